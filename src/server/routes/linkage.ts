// /api/v1/linkage: runs, the review queue of uncertain pairs (most informative first) and
// reviewers' decisions, which every later run keeps.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as app from '../../app/index.js'
import { need, type ServerDeps } from '../deps.js'
import { Paging } from './records.js'

const Id = z.object({ id: z.coerce.number().int().positive() })

export function linkageRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (r) => {
    r.get('/linkage/runs', { config: need('linkage:read'), schema: { tags: ['linkage'], querystring: Paging } }, async (req) => app.listLinkageRuns(deps.context(req), { limit: req.query.limit, cursor: req.query.cursor }))
    r.get(
      '/linkage/pairs',
      { config: need('linkage:read'),
        schema: {
          tags: ['linkage'],
          description: 'Uncertain pairs of the latest linkage run, most informative first; undecided only unless all=true.',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), all: z.enum(['true', 'false']).default('false') }),
        },
      },
      async (req) => app.reviewPairs(deps.context(req), req.query.limit, req.query.all === 'true'),
    )
    r.post(
      '/linkage/pairs/:id/decision',
      { config: need('linkage:review'), schema: { tags: ['linkage'], params: Id, body: z.object({ decision: z.enum(['same', 'different']), reason: z.string().trim().max(2000).optional() }) } },
      async (req) => app.decidePair(deps.context(req), req.params.id, req.body.decision, req.body.reason ?? null),
    )
  }
}
