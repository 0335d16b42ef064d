// /api/v1/estimates: stored multiple-systems-estimation runs, and new runs from posted histories.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as app from '../../app/index.js'
import { need, type ServerDeps } from '../deps.js'
import { Paging } from './records.js'

const Id = z.object({ id: z.coerce.number().int().positive() })

const EstimateBody = z.object({
  lists: z.array(z.string().trim().min(1).max(100)).min(2).max(30),
  rows: z
    .array(z.object({ history: z.string().regex(/^[01]+$/, { message: 'a history is a string of 0 and 1, one digit per list' }), count: z.number().int().min(0) }))
    .min(1)
    .max(1_000_000),
  method: z.discriminatedUnion('method', [
    z.object({ method: z.literal('loglinear'), model: z.string().max(2000).optional(), criterion: z.enum(['aic', 'bic']).optional(), level: z.number().gt(0).lt(1).optional() }),
    z.object({
      method: z.literal('lcmcr'),
      seed: z.number().int().optional(),
      iterations: z.number().int().min(1).max(10_000_000).optional(),
      burnin: z.number().int().min(0).optional(),
      thin: z.number().int().min(1).optional(),
      classes: z.number().int().min(1).max(100).optional(),
      chains: z.number().int().min(1).max(16).optional(),
      level: z.number().gt(0).lt(1).optional(),
    }),
  ]),
})

export function estimateRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (r) => {
    r.get(
      '/report',
      { config: need('report:read'), schema: { tags: ['stats'], description: 'Documented, reported and estimated, side by side.' } },
      async (req) => app.threeNumbers(deps.context(req)),
    )
    r.get('/estimates', { config: need('estimate:read'), schema: { tags: ['estimates'], querystring: Paging } }, async (req) => app.listEstimates(deps.context(req), req.query.limit, req.query.cursor))
    r.get('/estimates/:id', { config: need('estimate:read'), schema: { tags: ['estimates'], params: Id } }, async (req) => app.getEstimate(deps.context(req), req.params.id))
    r.post('/estimates', { config: need('estimate:run'), schema: { tags: ['estimates'], body: EstimateBody } }, async (req, reply) => {
      const h = app.historiesFromTable(req.body.lists, req.body.rows)
      const stored = await app.estimateAndStore(deps.context(req), h, req.body.method)
      return reply.status(201).send(stored)
    })
  }
}
