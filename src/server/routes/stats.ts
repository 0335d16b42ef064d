// /api/v1/stats: documented beside reported beside all, grouped by one dimension.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as app from '../../app/index.js'
import { Fate, Sex } from '../../domain/index.js'
import { need, type ServerDeps } from '../deps.js'
import { IncidentQuery } from './records.js'

const StatsQuery = IncidentQuery.extend({
  unit: z.enum(['incidents', 'victims', 'persons']).default('incidents'),
  by: z.enum(app.STATS_DIMENSIONS).default('grade'),
  sex: Sex.optional(),
  fate: Fate.optional(),
})

export function statsRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (r) => {
    r.get(
      '/stats',
      { config: need('stats:read'),
        schema: {
          tags: ['stats'],
          description:
            'Counts documented (graded confirmed or fair), reported (not discounted) and all. Example — the seed article\'s "120 verified cases within the last six months": ?unit=victims&type=execution&dateFrom=2014-06-25&dateTo=2014-12-25',
          querystring: StatsQuery,
        },
      },
      async (req) => app.stats(deps.context(req), req.query),
    )
    r.get('/audit/verify', { config: need('audit:read'), schema: { tags: ['audit'] } }, async (req) => app.verifyAudit(deps.context(req).store))
  }
}
