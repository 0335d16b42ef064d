// /api/v1/claims: the review queue. Drafts are listed with ?status=draft; a reviewer accepts or
// rejects each (optionally editing it first), which re-grades what it is about.
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import * as app from '../../app/index.js'
import { Assertion, ClaimInput, ClaimStatus, ClaimSubject, Credibility } from '../../domain/index.js'
import { need, type ServerDeps } from '../deps.js'
import { Paging } from './records.js'

const Id = z.object({ id: z.coerce.number().int().positive() })
const FIELDS = Assertion.options.map((o) => o.shape.field.value) as [string, ...string[]]

/** What a reviewer may change while accepting or rejecting. */
const ReviewEdits = z
  .object({
    subject: ClaimSubject.optional(),
    assertion: Assertion.optional(),
    credibility: Credibility.optional(),
    sourceId: z.number().int().positive().optional(),
    note: z.string().trim().max(5000).optional(),
  })
  .strict()

export function claimRoutes(deps: ServerDeps): FastifyPluginAsyncZod {
  return async (r) => {
    r.get(
      '/claims',
      { config: need('claim:read'),
        schema: {
          tags: ['claims'],
          querystring: Paging.extend({
            status: ClaimStatus.optional(),
            documentId: z.coerce.number().int().positive().optional(),
            sourceId: z.coerce.number().int().positive().optional(),
            field: z.enum(FIELDS).optional(),
            incidentId: z.coerce.number().int().positive().optional(),
            personId: z.coerce.number().int().positive().optional(),
          }),
        },
      },
      async (req) => {
        const { limit, cursor, field, ...rest } = req.query
        return app.listClaims(deps.context(req), { ...rest, field: field as Assertion['field'] | undefined }, { limit, cursor })
      },
    )
    r.get('/claims/:id', { config: need('claim:read'), schema: { tags: ['claims'], params: Id } }, async (req) => app.getClaim(deps.context(req), req.params.id))
    r.post('/claims', { config: need('claim:write'), schema: { tags: ['claims'], body: ClaimInput } }, async (req, reply) => reply.status(201).send(await app.addClaim(deps.context(req), req.body)))
    r.put('/claims/:id', { config: need('claim:write'), schema: { tags: ['claims'], params: Id, body: ClaimInput } }, async (req) => app.editClaim(deps.context(req), req.params.id, req.body))
    r.post('/claims/:id/accept', { config: need('claim:review'), schema: { tags: ['claims'], params: Id, body: ReviewEdits.nullish() } }, async (req) =>
      app.reviewClaim(deps.context(req), req.params.id, 'accepted', req.body ?? {}),
    )
    r.post('/claims/:id/reject', { config: need('claim:review'), schema: { tags: ['claims'], params: Id, body: ReviewEdits.nullish() } }, async (req) =>
      app.reviewClaim(deps.context(req), req.params.id, 'rejected', req.body ?? {}),
    )
  }
}
