// /api/v1 resources: sources, documents, incidents, acts, persons. Parse, call app/, answer.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as app from '../../app/index.js'
import {
  ActInput,
  DocumentInput,
  Fate,
  Grade,
  GradeOverride,
  IncidentInput,
  IncidentType,
  PersonInput,
  Sex,
  SourceInput,
  SourceKind,
} from '../../domain/index.js'
import { need, type ServerDeps } from '../deps.js'

const Id = z.object({ id: z.coerce.number().int().positive() })
export const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(100).optional(),
})
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'a day as YYYY-MM-DD' })
export const IncidentQuery = z.object({
  type: IncidentType.optional(),
  grade: Grade.optional(),
  dateFrom: Day.optional(),
  dateTo: Day.optional(),
  place: z.string().max(200).optional(),
  perpetrator: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
})

function page(q: { limit: number; cursor?: string | undefined }): app.PageRequest {
  return { limit: q.limit, cursor: q.cursor }
}

export function recordRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (r) => {
    // ------------------------------------------------------------ sources
    r.get('/sources', { config: need('source:read'), schema: { tags: ['sources'], querystring: Paging.extend({ kind: SourceKind.optional(), q: z.string().max(200).optional() }) } }, async (req) => {
      const { kind, q } = req.query
      return app.listSources(deps.context(req), { kind, q }, page(req.query))
    })
    r.get('/sources/:id', { config: need('source:read'), schema: { tags: ['sources'], params: Id } }, async (req) => app.getSource(deps.context(req), req.params.id))
    r.post('/sources', { config: need('source:write'), schema: { tags: ['sources'], body: SourceInput } }, async (req, reply) => reply.status(201).send(await app.createSource(deps.context(req), req.body)))
    r.put('/sources/:id', { config: need('source:write'), schema: { tags: ['sources'], params: Id, body: SourceInput } }, async (req) => app.updateSource(deps.context(req), req.params.id, req.body))

    // ------------------------------------------------------------ documents
    r.get(
      '/documents',
      { config: need('document:read'), schema: { tags: ['documents'], querystring: Paging.extend({ sourceId: z.coerce.number().int().positive().optional(), language: z.string().max(10).optional(), q: z.string().max(200).optional() }) } },
      async (req) => {
        const { sourceId, language, q } = req.query
        return app.listDocuments(deps.context(req), { sourceId, language, q }, page(req.query))
      },
    )
    r.get('/documents/:id', { config: need('document:read'), schema: { tags: ['documents'], params: Id } }, async (req) => app.getDocument(deps.context(req), req.params.id))
    r.post('/documents', { config: need('document:write'), schema: { tags: ['documents'], body: DocumentInput } }, async (req, reply) => {
      const { document, created } = await app.addDocument(deps.context(req), req.body)
      return reply.status(created ? 201 : 200).send({ ...document, created })
    })

    // ------------------------------------------------------------ incidents and acts
    r.get('/incidents', { config: need('incident:read'), schema: { tags: ['incidents'], querystring: Paging.extend(IncidentQuery.shape) } }, async (req) => {
      const { limit: _l, cursor: _c, ...filter } = req.query
      return app.listIncidents(deps.context(req), filter, page(req.query))
    })
    r.get('/incidents/:id', { config: need('incident:read'), schema: { tags: ['incidents'], params: Id } }, async (req) => app.getIncident(deps.context(req), req.params.id))
    r.post('/incidents', { config: need('incident:write'), schema: { tags: ['incidents'], body: IncidentInput } }, async (req, reply) => reply.status(201).send(await app.createIncident(deps.context(req), req.body)))
    r.put('/incidents/:id', { config: need('incident:write'), schema: { tags: ['incidents'], params: Id, body: IncidentInput } }, async (req) => app.updateIncident(deps.context(req), req.params.id, req.body))
    r.put('/incidents/:id/grade-override', { config: need('incident:review'), schema: { tags: ['incidents'], params: Id, body: GradeOverride } }, async (req) =>
      app.overrideIncidentGrade(deps.context(req), req.params.id, req.body),
    )
    r.delete('/incidents/:id/grade-override', { config: need('incident:review'), schema: { tags: ['incidents'], params: Id } }, async (req) => app.overrideIncidentGrade(deps.context(req), req.params.id, null))
    r.post('/acts', { config: need('incident:write'), schema: { tags: ['incidents'], body: ActInput } }, async (req, reply) => reply.status(201).send(await app.createAct(deps.context(req), req.body)))

    // ------------------------------------------------------------ persons
    r.get(
      '/persons',
      { config: need('person:read'),
        schema: {
          tags: ['persons'],
          querystring: Paging.extend({
            q: z.string().max(200).optional(),
            sex: Sex.optional(),
            grade: Grade.optional(),
            fate: Fate.optional(),
            dateFrom: Day.optional(),
            dateTo: Day.optional(),
            place: z.string().max(200).optional(),
            incidentId: z.coerce.number().int().positive().optional(),
          }),
        },
      },
      async (req) => {
        const { limit: _l, cursor: _c, ...filter } = req.query
        return app.listPersons(deps.context(req), filter, page(req.query))
      },
    )
    r.get('/persons/:id', { config: need('person:read'), schema: { tags: ['persons'], params: Id } }, async (req) => app.getPerson(deps.context(req), req.params.id))
    r.post('/persons', { config: need('person:write'), schema: { tags: ['persons'], body: PersonInput } }, async (req, reply) => reply.status(201).send(await app.createPerson(deps.context(req), req.body)))
    r.put('/persons/:id', { config: need('person:write'), schema: { tags: ['persons'], params: Id, body: PersonInput } }, async (req) => app.updatePerson(deps.context(req), req.params.id, req.body))
  }
}
