// The HTTP server: Fastify with zod validation, OpenAPI at /api/docs, problem+json errors, the
// web application's static files at /, and the API under /api/v1.
import { readFile } from 'node:fs/promises'
import { join, normalize } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { packageRoot, type FieldSealer, type Store } from '../app/index.js'
import { contextOf, installAuth, type RouteAccessTable } from './auth.js'
import { installProblemHandlers } from './problems.js'
import type { ServerDeps } from './deps.js'
import { sessionRoutes } from './routes/session.js'
import { claimRoutes } from './routes/claims.js'
import { recordRoutes } from './routes/records.js'
import { statsRoutes } from './routes/stats.js'
import { estimateRoutes } from './routes/estimates.js'
import { linkageRoutes } from './routes/linkage.js'
import { exportRoutes } from './routes/exports.js'

export interface ServerOptions {
  store: Store
  /** Seals and opens protected fields; without it they can be neither stored nor shown. */
  sealer?: FieldSealer | null
  /** Fastify's logger; off in tests. Request bodies and headers are never logged. */
  logger?: boolean
  /** Where the log goes when logging (standard output otherwise); tests read it for leaks. */
  logStream?: NodeJS.WritableStream
  /** Requests per minute per signed-in user or token (default 1,200; 0 turns rate limiting off). */
  requestsPerMinute?: number
  /** Trust X-Forwarded-* from a reverse proxy (for the client address and https). */
  trustProxy?: boolean
  /** Serve HTTPS directly (session cookies are then marked Secure). */
  https?: { key: Buffer; cert: Buffer } | null
}

export const DEFAULT_REQUESTS_PER_MINUTE = 1200
/** Requests per minute per address from callers not signed in. */
const ANONYMOUS_REQUESTS_PER_MINUTE = 300

/** A built server, with the access every API route declared (read by the role × route test). */
export type TallyServer = FastifyInstance & { routeAccess: RouteAccessTable }

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
}

/**
 * Builds the server (not yet listening).
 *
 * @example const server = await buildServer({ store }); await server.listen({ port: 8080, host: '127.0.0.1' })
 */
export async function buildServer(options: ServerOptions): Promise<TallyServer> {
  const app = Fastify({
    // The default serialisers log method, URL and status only: never bodies, cookies or headers.
    logger: options.logStream ? { level: 'info', stream: options.logStream } : (options.logger ?? false),
    bodyLimit: 10 * 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    ...(options.https ? { https: options.https } : {}),
  }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installProblemHandlers(app)

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        // Over plain HTTP (loopback) upgrading would break the page; over TLS it is what we want.
        upgradeInsecureRequests: options.https || options.trustProxy ? [] : null,
      },
    },
    // HSTS only means something over TLS; a plain-HTTP loopback server must not claim it.
    hsts: options.https ? { maxAge: 31_536_000 } : false,
  })
  await app.register(cookie)
  const routeAccess: RouteAccessTable = new Map()
  installAuth(app, options.store, routeAccess)
  const perMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE
  if (perMinute > 0) {
    // After authentication, so that each signed-in user or token has its own allowance, and
    // anonymous callers (sign-in, the public pages) share one per address.
    await app.register(rateLimit, {
      hook: 'preHandler',
      timeWindow: 60_000,
      max: (req) => (req.principal ? perMinute : Math.min(perMinute, ANONYMOUS_REQUESTS_PER_MINUTE)),
      keyGenerator: (req) => (req.principal ? `${req.principal.kind}:${req.principal.actor.name}` : `ip:${req.ip}`),
    })
  }

  await app.register(swagger, {
    openapi: {
      info: { title: 'Tally API', version: '1', description: 'Incidents, victims, sources and claims, with verification grades and counts.' },
    },
    transform: jsonSchemaTransform,
  })
  // The documentation page ships its own script: swagger-ui sets a CSP allowing exactly it.
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true })

  const sealer = options.sealer ?? null
  const deps: ServerDeps = { context: (req) => contextOf(options.store, sealer, req) }
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', database: options.store.kind }))
  await app.register(
    async (api) => {
      await api.register(sessionRoutes(deps, options.store))
      await api.register(recordRoutes(deps))
      await api.register(claimRoutes(deps))
      await api.register(statsRoutes(deps))
      await api.register(estimateRoutes(deps))
      await api.register(linkageRoutes(deps))
      await api.register(exportRoutes(deps))
    },
    { prefix: '/api/v1' },
  )

  const webRoot = join(packageRoot(), 'web')
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = (req.params as { '*': string })['*'] || 'index.html'
    const file = normalize(join(webRoot, path))
    const ext = /\.[a-z]+$/.exec(file)?.[0] ?? ''
    if (!file.startsWith(webRoot) || !STATIC_TYPES[ext]) return reply.callNotFound()
    try {
      return reply.type(STATIC_TYPES[ext]).send(await readFile(file))
    } catch {
      return reply.callNotFound()
    }
  })
  return Object.assign(app, { routeAccess }) as unknown as TallyServer
}
