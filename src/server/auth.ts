// Who is asking, and may they: every request under /api/v1 is authenticated (session cookie or
// `Authorization: Bearer` API token), changes made through a session carry its CSRF token, and
// the route's declared access is checked against the role table before the body is even read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import * as app from '../app/index.js'
import { TallyError } from '../domain/index.js'
import type { RouteAccess } from './deps.js'

export const SESSION_COOKIE = 'tally_session'
export const CSRF_HEADER = 'x-csrf-token'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Every /api/v1 route and what it requires, as declared: the matrix test reads this. */
export type RouteAccessTable = Map<string, RouteAccess>

function bearerOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization
  if (h === undefined) return null
  const m = /^Bearer ([A-Za-z0-9_-]{10,200})$/.exec(h)
  if (!m) throw new TallyError('unauthenticated', 'the Authorization header must be "Bearer <token>"')
  return m[1]!
}

/**
 * Installs authentication and authorisation. Must run before any route is registered: routes
 * that do not declare their access make the server refuse to start.
 */
export function installAuth(server: FastifyInstance, store: app.Store, table: RouteAccessTable): void {
  server.decorateRequest('principal', null)

  server.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1')) return
    const access = route.config?.access
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access: every API route must (default deny)`)
    for (const method of [route.method].flat()) if (method !== 'HEAD') table.set(`${method} ${route.url}`, access)
  })

  server.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const access = req.routeOptions.config?.access
    if (!req.url.startsWith('/api/v1') || !access) return
    const bearer = bearerOf(req)
    if (bearer !== null) {
      req.principal = await app.authenticateToken(store, bearer)
      if (!req.principal) throw new TallyError('unauthenticated', 'this API token is unknown, revoked or expired')
    } else {
      const cookie = req.cookies[SESSION_COOKIE]
      if (cookie) {
        req.principal = await app.authenticateSession(store, cookie)
        if (!req.principal) void reply.clearCookie(SESSION_COOKIE, { path: '/' })
        // A session in use lives on: its cookie's expiry follows the server's.
        else if (req.principal.kind === 'session' && req.principal.renewed) void reply.setCookie(SESSION_COOKIE, cookie, sessionCookieOptions(req, req.principal.expiresAt))
        // A change through a browser session must prove it comes from Tally's own page.
        if (req.principal && UNSAFE.has(req.method)) {
          const presented = req.headers[CSRF_HEADER]
          if (!app.sessionCsrfMatches(cookie, typeof presented === 'string' ? presented : undefined)) {
            throw new TallyError('forbidden', `missing or wrong ${CSRF_HEADER} header: send the csrfToken given at sign-in`)
          }
        }
      }
    }
    if (access.kind === 'public') return
    if (!req.principal) throw new TallyError('unauthenticated', 'sign in first (POST /api/v1/session), or send an API token as "Authorization: Bearer <token>"')
    if (access.kind === 'signed-in') return
    if (!app.roleMay(req.principal.actor.role, access.permission)) {
      const [resource, action] = access.permission.split(':')
      throw new TallyError('forbidden', `the ${req.principal.actor.role} role may not ${action} ${resource}`)
    }
  })
}

/** The session cookie's attributes: HttpOnly, SameSite=Strict, Secure over TLS. */
export function sessionCookieOptions(req: FastifyRequest, expiresAt: string) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: req.protocol === 'https', expires: new Date(expiresAt) }
}

/** The use-case context of an authenticated request. */
export function contextOf(store: app.Store, sealer: app.FieldSealer | null, req: FastifyRequest): app.Context {
  if (!req.principal) throw new TallyError('unauthenticated', 'sign in first')
  return { store, actor: req.principal.actor, sealer }
}
