import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Assertion, ClaimInput, isEdtf } from '../domain/index.js'
import { cleanText, extractClaims, findCounts, findDates, intakeDocument, toClaimInput, type Extraction, type Mention } from './index.js'

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package.json not found above the test')
    dir = up
  }
  return dir
}

const seedRaw = readFileSync(join(packageRoot(), 'fixtures/seeds/000_69d2a91eb1b21d3d.txt'), 'utf8')
const seed = cleanText(seedRaw)
const x = extractClaims(seed.text, { publishedDate: '2014-12-25' })

const ofKind = <K extends Mention['kind']>(e: Extraction, kind: K): Array<Extract<Mention, { kind: K }>> =>
  e.mentions.filter((m): m is Extract<Mention, { kind: K }> => m.kind === kind)
const speakerOf = (e: Extraction, id: string | null): string | null => e.speakers.find((s) => s.id === id)?.name ?? null

test('every span of the seed extraction is exact, and every claim is a valid domain Assertion and ClaimInput', () => {
  assert.ok(x.mentions.length > 40)
  assert.ok(x.claims.length > 30)
  for (const m of [...x.mentions, ...x.claims]) assert.equal(seed.text.slice(m.start, m.end), m.quote)
  for (const c of x.claims) {
    assert.ok(Assertion.safeParse(c.assertion).success, JSON.stringify(c.assertion))
    assert.ok(ClaimInput.safeParse(toClaimInput(c, 1)).success)
  }
})

test('seed: boilerplate and the duplicated caption are gone from the clean text and produce nothing', () => {
  for (const junk of ['Google+ Pinterest', 'Share.', 'About Author', 'Comments are closed.']) assert.ok(!seed.text.includes(junk), junk)
  const caption = 'Maghreb youths are the latest Daesh deserters to be executed for wanting to quit the terror group'
  assert.equal(seed.text.split(caption).length - 1, 1)
  assert.deepEqual(seed.removed.map((r) => r.reason).sort(), ['boilerplate', 'boilerplate', 'boilerplate', 'boilerplate', 'duplicate', 'pull_quote'])
  // The removed lines still map: every clean offset goes back to the same character of the input.
  for (const s of seed.segments) assert.equal(seedRaw.slice(s.original, s.original + s.length), seed.text.slice(s.clean, s.clean + s.length))
  // Extracting from the raw page would have found the caption twice; the clean text has one event there.
  const captionEvents = ofKind(x, 'event').filter((e) => e.quote === 'executed' && e.sentence.quote.startsWith('Maghreb youths'))
  assert.equal(captionEvents.length, 1)
})

test('seed: metadata is read honestly', () => {
  assert.equal(seed.title, 'ISIS Kills Fleeing Fighters')
  assert.equal(seed.author, 'Mawassi Lahcen')
  assert.equal(seed.outlet, 'Magharebia')
  assert.equal(seed.dateline, 'Casablanca')
  assert.equal(seed.publishedDate?.edtf, 'XXXX-12-25')
  assert.ok(isEdtf('XXXX-12-25'))
  assert.match(seed.publishedDate?.note ?? '', /no year/)
  assert.equal(seed.language.language, 'en')
})

test('seed: places resolve to GeoNames with country and coordinates; street and market names do not', () => {
  const places = new Map(ofKind(x, 'place').map((p) => [p.quote, p.place]))
  const expect: Array<[string, string, string]> = [
    ['Casablanca', 'geonames:2553604', 'MA'],
    ['Beni Mellal', 'geonames:2555745', 'MA'],
    ['Al-Hoceima', 'geonames:2558545', 'MA'],
    ['Syria', 'geonames:163843', 'SY'],
    ['Iraq', 'geonames:99237', 'IQ'],
    ['Morocco', 'geonames:2542007', 'MA'],
  ]
  for (const [name, id, country] of expect) {
    const p = places.get(name)
    assert.ok(p, name)
    assert.equal(p.gazetteerId, id)
    assert.equal(p.country, country)
    assert.equal(typeof p.lat, 'number')
    assert.equal(typeof p.lon, 'number')
  }
  const casablanca = places.get('Casablanca')
  assert.ok(casablanca && Math.abs((casablanca.lat ?? 0) - 33.59) < 0.1 && Math.abs((casablanca.lon ?? 0) + 7.61) < 0.1)
  for (const not of ['Agadir', 'Agadir Street', 'Commerce', 'Nike', 'Gulf']) assert.ok(!places.has(not), not)
})

test('seed: counts, exact and vague, with the counted thing', () => {
  const counts = new Map(ofKind(x, 'count').map((c) => [c.quote, c]))
  assert.deepEqual(pick(counts.get('120 such cases')), { min: 120, max: 120, counted: 'such cases' })
  assert.deepEqual(pick(counts.get('four other guys')), { min: 4, max: 4, counted: 'other guys' })
  assert.deepEqual(pick(counts.get('scores of its own fighters')), { min: 40, max: null, counted: 'fighters' })
  assert.deepEqual(pick(counts.get('scores of fighters')), { min: 40, max: null, counted: 'fighters' })
  assert.deepEqual(pick(counts.get('a number of families')), { min: 2, max: null, counted: 'families' })
  // Durations are dates, not counts.
  assert.ok(![...counts.keys()].some((k) => /months|weeks|days/.test(k)))
})

function pick(c: { min: number; max: number | null; counted: string } | undefined): { min: number; max: number | null; counted: string } | undefined {
  return c === undefined ? undefined : { min: c.min, max: c.max, counted: c.counted }
}

test('seed: dates and periods resolve against the publication date', () => {
  const dates = new Map(ofKind(x, 'date').map((d) => [d.quote, d.edtf]))
  assert.equal(dates.get('within the last six months'), '2014-06-25/2014-12-25')
  assert.equal(dates.get('In recent weeks'), '2014-10-30/2014-12-25')
  assert.equal(dates.get('this week'), '2014-12-22/2014-12-28')
  assert.equal(dates.get('2015'), '2015')
  assert.equal(dates.get('A few days later'), '../2014-12-25')
  for (const v of dates.values()) if (v !== null) assert.ok(isEdtf(v), v)
  // Without a dated anchor, relative periods stay unresolved rather than guessed.
  const bare = extractClaims(seed.text)
  const unresolved = ofKind(bare, 'date').find((d) => d.quote === 'within the last six months')
  assert.equal(unresolved?.edtf, null)
  assert.match(unresolved?.rule ?? '', /unresolved/)
  assert.equal(ofKind(bare, 'date').find((d) => d.quote === 'December 25')?.edtf, 'XXXX-12-25')
})

test('seed: speakers with roles, each quote attributed', () => {
  const byName = new Map(x.speakers.map((s) => [s.name, s]))
  assert.equal(byName.get('Abdelmajid Hachadi')?.role, 'a journalist who specialises in terrorism cases')
  assert.equal(byName.get('Abdelmajid Hachadi')?.sourceKind, 'media')
  assert.equal(byName.get('Miloud Belkadi')?.role, 'political science professor')
  assert.equal(byName.get('Zakaria Yathreb')?.role, 'a local accountant')
  assert.equal(byName.get('the father')?.sourceKind, 'family')
  assert.equal(byName.get('a friend')?.sourceKind, 'witness')
  assert.ok(byName.has('Syrian Observatory for Human Rights'))
  assert.ok(!byName.has('the accountant'), '"the accountant" is Zakaria Yathreb, not a new speaker')
  assert.deepEqual(
    x.speakers.filter((sp) => sp.named).map((sp) => sp.name).sort(),
    ['Abdelmajid Hachadi', 'Mawassi Lahcen', 'Miloud Belkadi', 'Syrian Observatory for Human Rights', 'Zakaria Yathreb'],
  )
  assert.ok(!byName.has('the professor'))
  const quoteBy = (start: string): string | null => speakerOf(x, ofKind(x, 'quote').find((q) => q.quote.startsWith(start))?.speakerId ?? null)
  assert.equal(quoteBy('They were looking for paradise'), 'a Moroccan analyst')
  assert.equal(quoteBy('The Islamic State won’t allow'), 'a Moroccan analyst')
  assert.equal(quoteBy('We’ll meet in heaven'), 'the son')
  assert.equal(quoteBy('He was an ordinary guy'), 'a friend')
  assert.equal(quoteBy('The last time I met him'), 'a friend')
  assert.equal(quoteBy('As to the actual number'), 'Syrian Observatory for Human Rights')
  assert.equal(quoteBy('I didn’t know that my son'), 'the father')
  assert.equal(quoteBy('I knew right away'), 'the father')
  assert.equal(quoteBy('ISIS is behaving like'), 'Abdelmajid Hachadi')
  assert.equal(quoteBy('By killing those hesitant'), 'Abdelmajid Hachadi')
  assert.equal(quoteBy('In the case of ISIS'), 'Abdelmajid Hachadi')
  assert.equal(quoteBy('It seems that ISIS'), 'Miloud Belkadi')
  assert.equal(quoteBy('From now on'), 'Miloud Belkadi')
  assert.equal(quoteBy('The only thing that ISIS'), 'Zakaria Yathreb')
  assert.equal(quoteBy('If this is true'), 'Zakaria Yathreb')
  assert.equal(quoteBy('These are just the ones'), 'Syrian Observatory for Human Rights')
  const twitter = x.speakers.find((s) => s.mentions.some((m) => m.quote === 'the accountant'))
  assert.equal(twitter?.name, 'Zakaria Yathreb')
})

test('seed: events carry victim, perpetrator, circumstance, cause and modality', () => {
  const events = ofKind(x, 'event')
  const liquidated = events.find((e) => e.quote === 'liquidated' && e.circumstance?.quote === 'because he wanted to return')
  assert.ok(liquidated)
  assert.equal(liquidated.cause, 'execution')
  assert.equal(liquidated.perpetrator?.resolved, 'ISIS')
  assert.equal(liquidated.victim?.quote, 'him')
  assert.equal(speakerOf(x, liquidated.speakerId), 'the father')
  const battle = events.find((e) => e.victim?.quote === 'their son')
  assert.equal(battle?.cause, 'killed_in_combat')
  const scores = events.find((e) => e.victim?.quote === 'scores of its own fighters')
  assert.equal(scores?.perpetrator?.resolved, 'ISIS')
  assert.equal(scores?.circumstance?.quote, 'just because they wanted to quit')
  const squads = events.find((e) => e.perpetrator?.quote === 'death squads')
  assert.equal(squads?.victim?.quote, 'scores of fighters')
  assert.equal(squads?.circumstance?.quote, 'who left their positions when battles became fierce')
  assert.equal(speakerOf(x, squads?.speakerId ?? null), 'Zakaria Yathreb')
  const first = events.find((e) => e.perpetrator?.quote === 'the group')
  assert.equal(first?.perpetrator?.resolved, 'ISIS')
  assert.equal(first?.victim?.quote, 'one local youth')
  assert.equal(first?.circumstance?.quote, 'because he wanted to come home')
  // Feared, hypothetical and generic killings are kept as events but assert nothing.
  assert.equal(events.find((e) => e.victim?.quote === 'many foreign fighters')?.modality, 'future')
  assert.equal(events.find((e) => e.sentence.quote.startsWith('“It seems that ISIS'))?.modality, 'future')
  assert.equal(events.find((e) => e.sentence.quote.startsWith('“If the loyalty'))?.modality, 'hypothetical')
  assert.equal(events.find((e) => e.quote === 'liquidate')?.modality, 'generic')
  const asserted = new Set(x.claims.map((c) => c.eventId))
  for (const e of events) assert.equal(asserted.has(e.id), e.modality === 'reported' || e.modality === 'suspected', `${e.id} ${e.modality}`)
})

test('seed: claims map onto the domain fields, including the contested cause and the observatory count', () => {
  const causes = new Set<string>(x.claims.map((c) => (c.assertion.field === 'cause' ? c.assertion.value : '')))
  for (const c of ['execution', 'killed_in_combat', 'suicide_operation']) assert.ok(causes.has(c), c)
  const count120 = x.claims.find((c) => c.quote === '120 such cases')
  assert.ok(count120 && count120.assertion.field === 'count')
  assert.deepEqual(count120.assertion.value, { min: 120, max: 120, counted: 'such cases' })
  assert.equal(speakerOf(x, count120.speakerId), 'Syrian Observatory for Human Rights')
  const period = x.claims.find((c) => c.quote === 'within the last six months')
  assert.equal(period?.eventId, count120.eventId)
  assert.deepEqual(period?.assertion, { field: 'date', value: '2014-06-25/2014-12-25' })
  const fields = new Set(x.claims.map((c) => c.assertion.field))
  for (const f of ['type', 'cause', 'perpetrator', 'fate', 'date', 'place', 'count', 'circumstance'] as const) assert.ok(fields.has(f), f)
})

test('intakeDocument uses the page date; toClaimInput keeps the speaker as source', () => {
  const { document, extraction } = intakeDocument(seedRaw, { publishedDate: '2014-12-25' })
  assert.equal(document.title, 'ISIS Kills Fleeing Fighters')
  const c = extraction.claims.find((k) => k.speakerId !== null)
  assert.ok(c)
  const input = toClaimInput(c, 9, new Map([[c.speakerId ?? '', 4]]))
  assert.equal(input.sourceId, 4)
  assert.equal(input.documentId, 9)
  assert.deepEqual(input.subject, { kind: 'unassigned' })
})

test('French: places, dates, numbers, quoted speakers', () => {
  const text =
    "« Ils l'ont exécuté parce qu'il voulait rentrer au Maroc », dit-il.\n\n" +
    "Selon l'Observatoire syrien des droits de l'homme, 120 combattants ont été exécutés à Raqqa au cours des six derniers mois.\n\n" +
    '« Mon fils a été tué à Alep le 25 décembre 2014 », a déclaré son père.'
  const f = extractClaims(text, { publishedDate: '2015-01-10' })
  assert.equal(f.language, 'fr')
  for (const m of [...f.mentions, ...f.claims]) assert.equal(text.slice(m.start, m.end), m.quote)
  const places = new Map(ofKind(f, 'place').map((p) => [p.quote, p.place.gazetteerId]))
  assert.equal(places.get('Maroc'), 'geonames:2542007')
  assert.equal(places.get('Alep'), 'geonames:170063')
  assert.equal(places.get('Raqqa'), 'geonames:172955')
  const dates = new Map(ofKind(f, 'date').map((d) => [d.quote, d.edtf]))
  assert.equal(dates.get('au cours des six derniers mois'), '2014-07-10/2015-01-10')
  assert.equal(dates.get('25 décembre 2014'), '2014-12-25')
  assert.deepEqual(ofKind(f, 'count').map((c) => [c.min, c.counted]), [[120, 'combattants']])
  const quotes = ofKind(f, 'quote')
  assert.equal(speakerOf(f, quotes[1]?.speakerId ?? null), 'son père')
  assert.equal(f.speakers.find((s) => s.name === 'son père')?.sourceKind, 'family')
  assert.ok(quotes[0]?.speakerId !== null)
  const exec = ofKind(f, 'event').find((e) => e.quote === 'exécutés')
  assert.equal(exec?.victim?.quote, '120 combattants')
})

test('Arabic: places, dates, Arabic-Indic numbers, speakers (قال)', () => {
  const text = 'قال أحمد، وهو صحفي: «لقد أعدموا ابني في الرقة».\n\nوثق المرصد السوري لحقوق الإنسان ١٢٠ حالة إعدام خلال الأشهر الستة الماضية في سوريا.\n\nقتل ٣ مدنيين بحلب أمس.'
  const a = extractClaims(text, { publishedDate: '2014-12-25' })
  assert.equal(a.language, 'ar')
  for (const m of [...a.mentions, ...a.claims]) assert.equal(text.slice(m.start, m.end), m.quote)
  const places = new Map(ofKind(a, 'place').map((p) => [p.quote, p.place]))
  assert.equal(places.get('الرقة')?.gazetteerId, 'geonames:172955')
  assert.equal(places.get('سوريا')?.country, 'SY')
  assert.equal(places.get('حلب')?.gazetteerId, 'geonames:170063')
  const counts = ofKind(a, 'count')
  assert.deepEqual(counts.map((c) => [c.quote, c.min, c.max]), [['١٢٠ حالة', 120, 120], ['٣ مدنيين', 3, 3]])
  const dates = new Map(ofKind(a, 'date').map((d) => [d.quote, d.edtf]))
  assert.equal(dates.get('خلال الأشهر الستة الماضية'), '2014-06-25/2014-12-25')
  assert.equal(dates.get('أمس'), '2014-12-24')
  const q = ofKind(a, 'quote')[0]
  assert.equal(speakerOf(a, q?.speakerId ?? null), 'أحمد')
  assert.equal(a.speakers.find((s) => s.name === 'أحمد')?.sourceKind, 'media')
})

test('findCounts and findDates on their own', () => {
  assert.deepEqual(
    findCounts('at least 12 civilians, dozens of bodies and about 100 people; six months; one notes').map((c) => [c.min, c.max, c.head]),
    [[12, null, 'civilians'], [24, null, 'bodies'], [90, 110, 'people']],
  )
  assert.deepEqual(findDates('three days ago', '2014-12-25').map((d) => d.edtf), ['2014-12-22'])
  assert.deepEqual(findDates('la semaine dernière', '2014-12-25').map((d) => d.edtf), ['2014-12-15/2014-12-21'])
})

test('the seed as an HTML page (nav, share bar, caption twice, comment notice) gives the same findings', () => {
  const paras = seedRaw.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '')
  const body = paras.map((p) => (p === 'One-way ticket' ? `<h2>${p}</h2>` : `<p>${p}</p>`)).join('\n')
  const html = `<html><head><title>ISIS Kills Fleeing Fighters</title></head><body><nav><a>Home</a><a>Maghreb</a></nav>
    <main><article>${body}</article></main><aside><p>Most read: Paris attack suspect killed in Brussels</p></aside>
    <footer>Comments are closed.</footer></body></html>`
  const { document, extraction } = intakeDocument(html, { publishedDate: '2014-12-25' })
  for (const junk of ['Google+ Pinterest', 'Share.', 'About Author', 'Comments are closed.', 'Most read']) assert.ok(!document.text.includes(junk), junk)
  for (const m of [...extraction.mentions, ...extraction.claims]) assert.equal(document.text.slice(m.start, m.end), m.quote)
  const places = new Set(ofKind(extraction, 'place').map((p) => p.place.gazetteerId))
  for (const id of ['geonames:2553604', 'geonames:2555745', 'geonames:2558545', 'geonames:163843']) assert.ok(places.has(id), id)
  assert.equal(extraction.claims.find((c) => c.quote === '120 such cases')?.assertion.field, 'count')
  assert.equal(extraction.claims.length, x.claims.length)
})
