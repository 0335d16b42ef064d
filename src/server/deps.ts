import type { FastifyRequest } from 'fastify'
import type { Context, Permission, Principal } from '../app/index.js'

/** What routes need from the server: the use-case context for a request. */
export interface ServerDeps {
  context(req: FastifyRequest): Context
}

/**
 * What a route requires: a permission from the role table (src/security/permissions.ts), only a
 * signed-in user, or nothing (sign-in itself). A route under /api/v1 that declares none refuses
 * to start: default deny.
 */
export type RouteAccess = { kind: 'permission'; permission: Permission } | { kind: 'signed-in' } | { kind: 'public' }

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess
  }
  interface FastifyRequest {
    principal: Principal | null
  }
}

/** Route config naming the permission it needs: `{ config: need('source:read'), ... }`. */
export function need(permission: Permission): { access: RouteAccess } {
  return { access: { kind: 'permission', permission } }
}

export const SIGNED_IN: { access: RouteAccess } = { access: { kind: 'signed-in' } }
export const PUBLIC: { access: RouteAccess } = { access: { kind: 'public' } }
