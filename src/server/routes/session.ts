// Sign-in (a session cookie), who am I, sign-out; and the administrator's users and API tokens.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as app from '../../app/index.js'
import { Role, TallyError } from '../../domain/index.js'
import { SESSION_COOKIE, sessionCookieOptions } from '../auth.js'
import { PUBLIC, SIGNED_IN, need, type ServerDeps } from '../deps.js'

const Credentials = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) })

/** Sign-in attempts allowed per client address per minute, on top of the per-account lock-out. */
export const SIGN_IN_PER_MINUTE = 10

export function sessionRoutes(deps: ServerDeps, store: app.Store): FastifyPluginAsyncZod {
  return async (r) => {
    r.post(
      '/session',
      {
        config: { ...PUBLIC, rateLimit: { max: SIGN_IN_PER_MINUTE, timeWindow: 60_000 } },
        schema: { tags: ['session'], description: 'Sign in: sets an HttpOnly session cookie and returns the CSRF token to send as X-CSRF-Token with changes.', body: Credentials },
      },
      async (req, reply) => {
        const s = await app.signIn(store, req.body.username, req.body.password)
        void reply.setCookie(SESSION_COOKIE, s.sessionToken, sessionCookieOptions(req, s.expiresAt))
        return reply.status(201).send({ user: s.user, csrfToken: s.csrfToken, expiresAt: s.expiresAt })
      },
    )
    r.get('/session', { config: SIGNED_IN, schema: { tags: ['session'], description: 'Who is signed in, with which role.' } }, async (req) => {
      const p = req.principal!
      return p.kind === 'session'
        ? { kind: p.kind, username: p.user.username, role: p.actor.role, csrfToken: p.csrfToken, expiresAt: p.expiresAt }
        : { kind: p.kind, token: p.tokenName, role: p.actor.role }
    })
    r.delete('/session', { config: SIGNED_IN, schema: { tags: ['session'] } }, async (req, reply) => {
      await app.signOut(store, req.principal!)
      void reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send()
    })

    r.get('/users', { config: need('user:manage'), schema: { tags: ['admin'] } }, async (req) => ({ items: await app.listUsers(deps.context(req)) }))
    r.post(
      '/users',
      { config: need('user:manage'), schema: { tags: ['admin'], description: 'Adds a user; the generated password is in the answer, once.', body: z.object({ username: z.string().max(64), role: Role }) } },
      async (req, reply) => {
        const u = await app.createUser(deps.context(req), { username: req.body.username, role: req.body.role })
        return reply.status(201).send({ user: u.user, password: u.generatedPassword })
      },
    )
    r.post(
      '/users/:username/disable',
      { config: need('user:manage'), schema: { tags: ['admin'], params: z.object({ username: z.string().max(64) }) } },
      async (req) => {
        if (req.principal?.kind === 'session' && req.principal.user.username === req.params.username) throw new TallyError('conflict', 'you cannot disable yourself')
        return app.setUserDisabled(deps.context(req), req.params.username, true)
      },
    )
    r.get('/tokens', { config: need('token:manage'), schema: { tags: ['admin'] } }, async (req) => ({ items: await app.listApiTokens(deps.context(req)) }))
    r.post(
      '/tokens',
      {
        config: need('token:manage'),
        schema: { tags: ['admin'], description: 'Creates an API token; the secret is in the answer, once.', body: z.object({ name: z.string().max(64), role: Role, expiresInDays: z.number().int().optional() }) },
      },
      async (req, reply) => {
        const t = await app.createApiToken(deps.context(req), req.body)
        return reply.status(201).send({ token: t.token, secret: t.secret })
      },
    )
    r.delete('/tokens/:name', { config: need('token:manage'), schema: { tags: ['admin'], params: z.object({ name: z.string().max(64) }) } }, async (req) =>
      app.revokeApiToken(deps.context(req), req.params.name),
    )
  }
}
