// /api/v1/exports: the public dataset (anyone who may read the report, the public included) and
// the full one (roles that may export). Streamed as it is written; see `tally export`.
import { PassThrough } from 'node:stream'
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import * as app from '../../app/index.js'
import { need, type ServerDeps } from '../deps.js'

const CONTENT_TYPES: Record<app.ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  hxl: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  geojson: 'application/geo+json; charset=utf-8',
}
const EXTENSIONS: Record<app.ExportFormat, string> = { csv: 'csv', hxl: 'hxl.csv', json: 'json', geojson: 'geojson' }

const ExportQuery = z.object({
  format: z.enum(app.EXPORT_FORMATS).default('csv'),
  of: z.enum(app.EXPORT_SUBJECTS).default('victims'),
})

function stream(deps: ServerDeps, req: FastifyRequest, reply: FastifyReply, o: { format: app.ExportFormat; of: app.ExportSubject; public: boolean; threshold?: number | undefined }) {
  const out = new PassThrough()
  // A failure after the first bytes can only cut the download short; nothing half-written is kept.
  app.exportRecords(deps.context(req), { ...o, out }).then(
    () => out.end(),
    (e: unknown) => out.destroy(e instanceof Error ? e : new Error('export failed')),
  )
  const name = `tally-${o.of}${o.public ? '-public' : ''}.${EXTENSIONS[o.format]}`
  return reply.type(CONTENT_TYPES[o.format]).header('content-disposition', `attachment; filename="${name}"`).send(out)
}

export function exportRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (r) => {
    r.get(
      '/exports/public',
      {
        config: need('report:read'),
        schema: {
          tags: ['exports'],
          description: 'The published dataset: documented records only, no names, ids or free text, dates to the month, small place × month × sex cells suppressed.',
          querystring: ExportQuery.extend({ threshold: z.coerce.number().int().min(1).max(1000).optional() }),
        },
      },
      async (req, reply) => stream(deps, req, reply, { format: req.query.format, of: req.query.of, public: true, threshold: req.query.threshold }),
    )
    r.get(
      '/exports/full',
      { config: need('export:read'), schema: { tags: ['exports'], description: 'Every record, with names and exact dates and places; never protected fields.', querystring: ExportQuery } },
      async (req, reply) => stream(deps, req, reply, { format: req.query.format, of: req.query.of, public: false }),
    )
  }
}
