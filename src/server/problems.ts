// Errors as RFC 9457 problem+json, from one handler. Every error code maps to a status here
// (a missing code fails to compile); anything unexpected is an internal error whose details
// stay in the server log, never in the answer.
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { TallyError, isTallyError, type ErrorCode, type FieldIssue } from '../domain/index.js'

export const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_input: 400,
  not_found: 404,
  conflict: 409,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
}

const TITLES: Record<ErrorCode, string> = {
  bad_input: 'Invalid input',
  not_found: 'Not found',
  conflict: 'Conflict',
  unauthenticated: 'Sign-in required',
  forbidden: 'Not allowed',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
}

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  /** For invalid input: each bad field, by JSON path ("body.victimsMax", "query.limit"). */
  issues?: FieldIssue[]
}

const CLIENT_ERRORS: Record<number, { code: ErrorCode; detail: string }> = {
  400: { code: 'bad_input', detail: 'the request body is not valid JSON' },
  404: { code: 'not_found', detail: 'not found' },
  413: { code: 'bad_input', detail: 'the request body is too large' },
  415: { code: 'bad_input', detail: 'send JSON (Content-Type: application/json)' },
  429: { code: 'rate_limited', detail: 'too many requests: wait a minute and try again' },
}

function send(reply: FastifyReply, code: ErrorCode, detail: string, issues: readonly FieldIssue[] = [], statusOverride?: number) {
  const status = statusOverride ?? HTTP_STATUS[code]
  // The instance is the path only: the query string is the caller's input (a search for a
  // witness's name, say) and an error must never echo input back.
  const problem: Problem = { type: `https://tally.invalid/problems/${code}`, title: TITLES[code], status, detail, instance: reply.request.url.split('?')[0] ?? '' }
  if (issues.length > 0) problem.issues = [...issues]
  return reply.status(status).type('application/problem+json').send(problem)
}

function jsonPath(context: string | undefined, instancePath: string): string {
  const where = context === 'querystring' ? 'query' : (context ?? 'body')
  const rest = instancePath
    .split('/')
    .filter((p) => p !== '')
    .join('.')
  return rest ? `${where}.${rest}` : where
}

/** The path of the first string holding a NUL character, if any (PostgreSQL cannot store them). */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null
  if (depth > 64 || value === null || typeof value !== 'object') return null
  for (const [k, v] of Object.entries(value)) {
    const found = nulPath(v, `${path}.${k}`, depth + 1)
    if (found) return found
  }
  return null
}

export function installProblemHandlers(app: FastifyInstance): void {
  // Text with NUL characters is refused at the edge, naming the field, on every backend alike.
  app.addHook('preValidation', async (req) => {
    const where = nulPath(req.query, 'query') ?? nulPath(req.params, 'params') ?? nulPath(req.body, 'body')
    if (where) throw new TallyError('bad_input', 'text must not contain NUL characters', [{ path: where, message: 'contains a NUL character' }])
  })
  app.setNotFoundHandler((request, reply) => send(reply, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`))
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({ path: jsonPath(error.validationContext, v.instancePath), message: v.message ?? 'invalid' }))
      return send(reply, 'bad_input', `invalid ${error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'input')}`, issues)
    }
    if (isTallyError(error)) return send(reply, error.code, error.message, error.issues)
    // Fastify's and its plugins' client errors (malformed JSON, body too large, wrong content
    // type, rate limits): described in our words, never theirs, which can quote the request.
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      const known = CLIENT_ERRORS[error.statusCode]
      if (known) return send(reply, known.code, known.detail, [], error.statusCode)
      return send(reply, 'bad_input', 'the request could not be read', [], error.statusCode)
    }
    request.log.error({ err: error }, 'unhandled error')
    return send(reply, 'internal', 'the server failed to handle this request; it has been logged')
  })
}
