// The HTTP adapter over app/: Fastify, OpenAPI at /api/docs, RFC 9457 errors.
export { buildServer, type ServerOptions } from './server.js'
export { HTTP_STATUS, type Problem } from './problems.js'
