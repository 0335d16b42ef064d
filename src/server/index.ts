// The HTTP adapter over app/: Fastify, OpenAPI at /api/docs, RFC 9457 errors.
export { buildServer, type ServerOptions, type TallyServer } from './server.js'
export { CSRF_HEADER, SESSION_COOKIE, type RouteAccessTable } from './auth.js'
export type { RouteAccess } from './deps.js'
export { HTTP_STATUS, type Problem } from './problems.js'
