// The HTTP server: Fastify with zod validation, OpenAPI at /api/docs, problem+json errors, the
// web application's static files at /, and the API under /api/v1.
import { readFile } from 'node:fs/promises'
import { join, normalize } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod'
import { packageRoot, type Actor, type Store } from '../app/index.js'
import { installProblemHandlers } from './problems.js'
import type { ServerDeps } from './deps.js'
import { claimRoutes } from './routes/claims.js'
import { recordRoutes } from './routes/records.js'
import { statsRoutes } from './routes/stats.js'
import { estimateRoutes } from './routes/estimates.js'
import { linkageRoutes } from './routes/linkage.js'

export interface ServerOptions {
  store: Store
  /** Fastify's logger; off in tests. */
  logger?: boolean
}

// Until sign-in exists (issue 6), API writes are recorded under this name and the server listens
// on loopback only by default.
const LOCAL_ACTOR: Actor = { name: 'local-api' }

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
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 10 * 1024 * 1024 }).withTypeProvider<ZodTypeProvider>()
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  installProblemHandlers(app)

  await app.register(swagger, {
    openapi: {
      info: { title: 'Tally API', version: '1', description: 'Incidents, victims, sources and claims, with verification grades and counts.' },
    },
    transform: jsonSchemaTransform,
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })

  const deps: ServerDeps = { context: () => ({ store: options.store, actor: LOCAL_ACTOR }) }
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok', database: options.store.kind }))
  await app.register(
    async (api) => {
      await api.register(recordRoutes(deps))
      await api.register(claimRoutes(deps))
      await api.register(statsRoutes(deps))
      await api.register(estimateRoutes(deps))
      await api.register(linkageRoutes(deps))
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
  return app
}
