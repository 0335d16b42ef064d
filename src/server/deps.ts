import type { FastifyRequest } from 'fastify'
import type { Context } from '../app/index.js'

/** What routes need from the server: the use-case context for a request. */
export interface ServerDeps {
  context(req: FastifyRequest): Context
}
