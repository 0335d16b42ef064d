// The demo workspace: the seed article (fixtures/seeds/) stored as a document, and the sources,
// incidents, persons, acts and claims it reports, entered through the same use cases a
// documenter and a reviewer would use. Each claim is tied to its exact words in the article.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSyntheticLists } from '../linkage/index.js'
import { estimateFromDatabase } from './estimate.js'
import { linkDatabase } from './linkage.js'
import { importList } from './lists.js'
import { ClaimInput, PersonInput, TallyError, type Assertion, type Credibility, type IncidentInput, type SourceInput } from '../domain/index.js'
import { addClaim, listClaims, reviewClaim } from './claims.js'
import type { ClaimView } from './protect.js'
import type { Context } from './context.js'
import { createAct, createIncident, createPerson, createSource, updateSource } from './records.js'
import { ingestDocument } from './ingest.js'
import { packageRoot } from './workspace.js'

export const SEED_FILE = 'fixtures/seeds/000_69d2a91eb1b21d3d.txt'

const SOURCES = {
  magharebia: { kind: 'media', name: 'Magharebia', reliability: 'C', url: 'https://magharebia.com' },
  father: {
    kind: 'family',
    name: 'Father of the Casablanca victim',
    reliability: 'C',
    description: 'Butcher near Commerce market, Casablanca; quoted by Magharebia. Identity withheld.',
  },
  toldFamily: {
    kind: 'armed_group_channel',
    name: 'News of death received by the Casablanca family',
    reliability: 'F',
    description: 'The message the family received that their son "had been killed in battle"; its sender is not named.',
  },
  friend: { kind: 'witness', name: 'Friend of the Casablanca victim', reliability: 'F', description: 'Quoted by Magharebia. Identity withheld.' },
  sohr: { kind: 'organisation', name: 'Syrian Observatory for Human Rights', reliability: 'B', url: 'https://www.syriahr.com' },
  hachadi: { kind: 'media', name: 'Abdelmajid Hachadi', reliability: 'C', description: 'Journalist who specialises in terrorism cases (named in the article).' },
  yathreb: { kind: 'witness', name: 'Zakaria Yathreb', reliability: 'F', description: 'Local accountant who follows security news (named in the article); relays reports.' },
} satisfies Record<string, SourceInput>
type SourceKey = keyof typeof SOURCES

const SYRIA = { name: 'Syria', gazetteerId: 'geonames:163843', country: 'SY', lat: 35, lon: 38 }
const CASABLANCA = { name: 'Casablanca', gazetteerId: 'geonames:2553604', country: 'MA', admin1: 'Casablanca-Settat', lat: 33.58831, lon: -7.61138 }

const INCIDENTS = {
  casablanca: {
    type: 'execution',
    title: 'Young man from Agadir Street, Casablanca, killed in Syria after asking to come home',
    description:
      'Went to Syria to join ISIS, called his father saying he regretted it and wanted to return to Morocco; days later the family was told he was killed in battle. The father says ISIS liquidated him because he wanted to return.',
    date: '../2014-12-25',
    place: SYRIA,
    perpetrator: 'ISIS',
    victimsMin: 1,
    victimsMax: 1,
  },
  sohr120: {
    type: 'execution',
    title: 'ISIS executions of its own fighters who wanted to quit, recorded by the Syrian Observatory',
    description: '"120 such cases within the last six months" — "just the ones that were verified"; the actual number is said to be much higher.',
    date: '2014-06-25/2014-12-25',
    place: SYRIA,
    perpetrator: 'ISIS',
    victimsMin: 120,
  },
  beniMellal: {
    type: 'killing',
    title: 'Youths from Beni Mellal and Al-Hoceima reported killed after asking to return home',
    description: 'Families received calls from sons wanting to return, then heard they had been killed in suicide operations or in battle.',
    date: '../2014-12-25',
    place: SYRIA,
    victimsMin: 2,
  },
  deathSquads: {
    type: 'execution',
    title: '"Death squads" executed fighters who left their positions',
    description: 'Units reportedly formed to liquidate fighters who pull back during battles executed scores of them.',
    date: '../2014-12-25',
    place: SYRIA,
    perpetrator: 'ISIS',
    victimsMin: 40,
  },
} satisfies Record<string, IncidentInput>
type IncidentKey = keyof typeof INCIDENTS

interface FixtureClaim {
  incident: IncidentKey
  source: SourceKey
  quote: string
  assertion: Assertion
  credibility: Credibility
  note?: string
}

// The quotes are exact substrings of the seed (typographic apostrophes included).
const CLAIMS: FixtureClaim[] = [
  {
    incident: 'casablanca',
    source: 'toldFamily',
    quote: 'the family received news that their son had been killed in battle',
    assertion: { field: 'cause', value: 'killed_in_combat' },
    credibility: 6,
  },
  {
    incident: 'casablanca',
    source: 'father',
    quote: 'ISIS just liquidated him because he wanted to return',
    assertion: { field: 'cause', value: 'execution' },
    credibility: 3,
  },
  {
    incident: 'casablanca',
    source: 'father',
    quote: 'ISIS just liquidated him',
    assertion: { field: 'perpetrator', value: 'ISIS' },
    credibility: 3,
  },
  {
    incident: 'casablanca',
    source: 'father',
    quote: 'he called back, saying he was in trouble, regretted coming to Syria and wanted to return to Morocco',
    assertion: { field: 'circumstance', value: 'wanted to leave ISIS and return to Morocco' },
    credibility: 3,
  },
  {
    incident: 'casablanca',
    source: 'magharebia',
    quote: 'one local youth who went to Syria to fight for ISIS, only to be killed by the group because he wanted to come home',
    assertion: { field: 'fate', value: 'killed' },
    credibility: 3,
  },
  {
    incident: 'sohr120',
    source: 'sohr',
    quote: 'The Syrian Observatory for Human Rights recorded 120 such cases within the last six months.',
    assertion: { field: 'count', value: { min: 120, max: null, counted: 'executions by ISIS of its own fighters who wanted to quit' } },
    credibility: 2,
    note: '"These are just the ones that were verified by the Observatory": a verified minimum.',
  },
  {
    incident: 'sohr120',
    source: 'sohr',
    quote: 'within the last six months',
    assertion: { field: 'date', value: '2014-06-25/2014-12-25' },
    credibility: 2,
    note: 'Six months before the article, dated 25 December.',
  },
  {
    incident: 'sohr120',
    source: 'sohr',
    quote: 'the actual number of executions carried out by ISIS against foreign fighters who joined, it is much higher',
    assertion: { field: 'perpetrator', value: 'ISIS' },
    credibility: 2,
  },
  {
    incident: 'beniMellal',
    source: 'hachadi',
    quote: 'they suddenly heard that the youths had been killed in suicide operations or in battle',
    assertion: { field: 'fate', value: 'killed' },
    credibility: 4,
  },
  {
    incident: 'beniMellal',
    source: 'hachadi',
    quote: 'a number of families in Beni Mellal and Al-Hoceima received calls from their sons complaining about conditions in Syria and wishing for a way to return home',
    assertion: { field: 'circumstance', value: 'wanted to return home from Syria' },
    credibility: 4,
  },
  {
    incident: 'deathSquads',
    source: 'yathreb',
    quote: 'recently executed scores of fighters who left their positions when battles became fierce',
    assertion: { field: 'count', value: { min: 40, max: null, counted: 'fighters executed for leaving their positions' } },
    credibility: 6,
    note: '"scores" read as at least two score.',
  },
]

export interface DemoSummary {
  documentId: number
  sources: number
  incidents: Record<IncidentKey, number>
  personId: number
  claims: number
  /** Of the reviewed claims, how many the extractor had found (accepted from its drafts). */
  fromDrafts: number
  /** Drafts left in the review queue. */
  draftsLeft: number
  /** The synthetic lists: records imported, persons after linkage, and the estimate of the total. */
  lists: {
    records: number
    /** Persons after linkage, and the truth the synthetic lists were drawn from. */
    persons: number
    truePersonsObserved: number
    /** Everyone in the synthetic population, on a list or not: what the estimate should find. */
    trueTotal: number
    linkageRun: number
    estimateRun: number
    estimate: number
    interval: [number, number]
  }
}

function spanOf(text: string, quote: string): { start: number; end: number } {
  const start = text.indexOf(quote)
  if (start < 0) throw new TallyError('internal', `demo fixture quote not found in the seed: "${quote.slice(0, 60)}"`)
  return { start, end: start + quote.length }
}

// How the reviewer recognises the candidate sources that ingest made of the article's speakers.
const SPEAKER_NAMES: Partial<Record<SourceKey, RegExp>> = {
  father: /^the father\b/,
  friend: /^a friend\b/,
  sohr: /^Syrian Observatory for Human Rights$/,
  hachadi: /^Abdelmajid Hachadi$/,
  yathreb: /^Zakaria Yathreb$/,
}

/**
 * Builds the demo workspace from the seed article, as a team would: the article is ingested
 * (stored, with the extractor's draft claims); a reviewer grades the sources it quotes; a
 * documenter enters the incidents; the reviewer accepts the drafts that say what the fixture
 * says (assigning each to its incident) and adds the few the extractor missed. The other drafts
 * stay in the review queue. The workspace should be empty.
 */
export async function buildDemo(ctx: Context): Promise<DemoSummary> {
  const file = join(packageRoot(), SEED_FILE)
  // The page says "Wednesday, December 25" with no year; "2015 will witness ..." dates it to 2014.
  const ingested = await ingestDocument(ctx, { file, source: SOURCES.magharebia.name, published: '2014-12-25' })
  const document = ingested.document
  // Quotes point into the clean text (boilerplate and the repeated caption removed).
  const text = document.text

  // The reviewer grades each source: the candidates made of quoted speakers, and the others.
  const sourceIds = {} as Record<SourceKey, number>
  for (const key of Object.keys(SOURCES) as SourceKey[]) {
    const pattern = SPEAKER_NAMES[key]
    const candidate =
      key === 'magharebia'
        ? await ctx.store.sources.get(document.sourceId)
        : pattern
          ? ingested.speakers.find((s) => pattern.test(s.name))
          : undefined
    // With a data key, the demo shows where a family's identity would go: sealed, shown only to
    // roles with clearance. (Placeholders: the article does not name the father.)
    const input: SourceInput =
      key === 'father' && ctx.sealer
        ? { ...SOURCES[key], protected: { identity: '(demo placeholder) the father\'s name', contact: '(demo placeholder) how to reach him', notes: 'Sealed: analysts and viewers see only that protected fields exist.' } }
        : SOURCES[key]
    sourceIds[key] = candidate ? (await updateSource(ctx, candidate.id, input)).id : (await createSource(ctx, input)).id
  }

  const incidentIds = {} as Record<IncidentKey, number>
  for (const key of Object.keys(INCIDENTS) as IncidentKey[]) incidentIds[key] = (await createIncident(ctx, INCIDENTS[key])).id

  const person = await createPerson(
    ctx,
    PersonInput.parse({
      name: 'Son of a butcher near Commerce market, Casablanca',
      sex: 'male',
      nationality: 'MA',
      origin: { ...CASABLANCA, name: 'Agadir Street, Casablanca' },
      affiliation: 'ISIS (foreign fighter)',
      fate: 'killed',
      dateOfDeath: '../2014-12-25',
      placeOfDeath: SYRIA,
      incidentIds: [incidentIds.casablanca],
    }),
  )
  await createAct(ctx, { incidentId: incidentIds.casablanca, kind: 'execution', personId: person.id, perpetrator: 'ISIS', involvement: 'alleged' })
  await createAct(ctx, { incidentId: incidentIds.sohr120, kind: 'execution', victimCount: 120, perpetrator: 'ISIS', involvement: 'alleged' })
  await createAct(ctx, { incidentId: incidentIds.deathSquads, kind: 'execution', victimCount: 40, perpetrator: 'ISIS', involvement: 'alleged' })

  const drafts: ClaimView[] = []
  for (let cursor: string | undefined; ; ) {
    const page = await listClaims(ctx, { documentId: document.id, status: 'draft' }, { limit: 500, cursor })
    drafts.push(...page.items)
    if (!page.nextCursor) break
    cursor = page.nextCursor
  }
  const reviewer: Context = { ...ctx, actor: { name: 'demo-reviewer', role: 'reviewer' } }
  let fromDrafts = 0
  for (const c of CLAIMS) {
    const span = spanOf(text, c.quote)
    const edits = {
      subject: { kind: 'incident' as const, incidentId: incidentIds[c.incident] },
      sourceId: sourceIds[c.source],
      assertion: c.assertion,
      credibility: c.credibility,
      note: c.note,
    }
    // A draft on the same field whose words lie within the fixture's quote: accept it, as edited.
    const draft = drafts.find((d) => d.status === 'draft' && d.assertion.field === c.assertion.field && d.start >= span.start && d.end <= span.end)
    if (draft) {
      draft.status = 'accepted'
      await reviewClaim(reviewer, draft.id, 'accepted', { ...edits, start: span.start, end: span.end, quote: c.quote })
      fromDrafts++
    } else {
      await addClaim(
        reviewer,
        ClaimInput.parse({ documentId: document.id, ...span, quote: c.quote, ...edits, status: 'accepted', extractedBy: 'demo-reviewer' }),
      )
    }
  }
  const lists = await buildDemoLists(ctx)
  return {
    lists,
    documentId: document.id,
    sources: Object.keys(sourceIds).length,
    incidents: incidentIds,
    personId: person.id,
    claims: CLAIMS.length,
    fromDrafts,
    draftsLeft: drafts.filter((d) => d.status === 'draft').length,
  }
}

/** Records in the demo's synthetic lists: enough to show linkage and estimation, quick to build. */
const DEMO_LIST_RECORDS = 2400
const LIST_NAMES: Record<string, string> = {
  en: 'Synthetic list A (English transliteration)',
  ar: 'Synthetic list B (Arabic script)',
  fr: 'Synthetic list C (French transliteration)',
  mix: 'Synthetic list D (mixed)',
}
const LIST_COLUMNS = ['record_id', 'full_name', 'given_name', 'family_name', 'sex', 'age', 'date_of_death', 'place'] as const

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * Four synthetic casualty lists of one population (clearly named as synthetic: no real person is
 * in them), imported from CSV files as a documenter would, linked, and estimated with LCMCR.
 */
async function buildDemoLists(ctx: Context): Promise<DemoSummary['lists']> {
  const { records, truth, persons } = generateSyntheticLists(DEMO_LIST_RECORDS, 2014)
  const byList = new Map<string, string[]>()
  for (const r of records) {
    const lines = byList.get(r.list) ?? [LIST_COLUMNS.join(',')]
    lines.push(LIST_COLUMNS.map((c) => csvCell(r[c])).join(','))
    byList.set(r.list, lines)
  }
  const dir = mkdtempSync(join(tmpdir(), 'tally-demo-'))
  try {
    for (const [list, lines] of byList) {
      const file = join(dir, `${list}.csv`)
      writeFileSync(file, lines.join('\n') + '\n')
      await importList(ctx, { file, list: LIST_NAMES[list] ?? list })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const run = await linkDatabase(ctx, {})
  const estimate = await estimateFromDatabase(ctx, { method: 'lcmcr', seed: 1 }, null)
  const report = estimate.report
  if (!('estimate' in report) || report.estimate === null || !('interval' in report) || report.interval === null) {
    throw new TallyError('internal', 'the demo estimate could not be made')
  }
  return {
    records: run.records,
    persons: run.clusters,
    truePersonsObserved: new Set(truth).size,
    trueTotal: persons,
    linkageRun: run.runId,
    estimateRun: estimate.id,
    estimate: report.estimate,
    interval: report.interval,
  }
}
