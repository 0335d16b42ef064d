// Draft claims from an article's clean text: rules over sentences, no model. Finds events of
// violence (with victim, perpetrator, circumstance, cause, and whether they are reported, feared or
// generic), counts, dates, places, people, organisations and who said what; then maps what fits
// onto the domain's Assertion fields. Every span satisfies text.slice(start, end) === quote.
import type { ActKind, Assertion, Cause, IncidentType, Place, SourceKind } from '../domain/index.js'
import { detectLanguage, type LanguageCode } from './language.js'
import { findDates } from './when.js'
import { findCounts } from './counts.js'
import { lookupPlace, placeKey, arabicPlaceKeys, toPlace } from './gazetteer.js'

/** A span of the clean text. */
export interface Span {
  start: number
  end: number
  quote: string
}

/** Whether an event is told as having happened, or only feared, supposed or described in general. */
export type Modality = 'reported' | 'suspected' | 'future' | 'hypothetical' | 'generic'

/** What the extractor found, tagged by kind. */
export type Mention =
  | (Span & { kind: 'place'; id: string; place: Place; placeKind: 'city' | 'country'; population: number })
  | (Span & { kind: 'date'; id: string; edtf: string | null; rule: string })
  | (Span & { kind: 'count'; id: string; min: number; max: number | null; counted: string; rule: string })
  | (Span & { kind: 'organisation'; id: string; name: string; armedGroup: boolean })
  | (Span & { kind: 'quote'; id: string; speakerId: string | null; attribution: Span | null })
  | (Span & {
      kind: 'event'
      id: string
      act: ActKind
      type: IncidentType
      cause: Cause | null
      modality: Modality
      victim: Span | null
      perpetrator: (Span & { resolved: string | null }) | null
      circumstance: Span | null
      /** The speaker asserting it (quoted or credited in the sentence); null: the document's own voice. */
      speakerId: string | null
      sentence: Span
    })

/** A person or body quoted or credited: a candidate source for the claims it asserts. */
export interface Speaker {
  id: string
  /** The name when known ("Zakaria Yathreb"), otherwise the role as written ("the father"). */
  name: string
  named: boolean
  role: string | null
  /** A suggested source kind; null when the role does not say (e.g. an academic). */
  sourceKind: SourceKind | null
  mentions: Span[]
}

/** A claim ready to store as a draft: ClaimInput without the ids the store assigns. */
export interface DraftClaim extends Span {
  /** The event it belongs to (one incident per event). */
  eventId: string
  subject: 'incident' | 'person'
  assertion: Assertion
  /** The speaker asserting it, or null for the document's source. */
  speakerId: string | null
  note: string | null
  extractedBy: string
}

export interface Extraction {
  language: LanguageCode
  /** The anchor relative dates were resolved against, or null. */
  anchor: string | null
  mentions: Mention[]
  speakers: Speaker[]
  claims: DraftClaim[]
}

export interface ExtractOptions {
  /** Publication date as EDTF; relative dates resolve only when it is a full day (YYYY-MM-DD). */
  publishedDate?: string
  language?: LanguageCode
}

export const EXTRACTOR = 'tally-intake-rules/1'

const span = (text: string, start: number, end: number): Span => ({ start, end, quote: text.slice(start, end) })

function trimSpan(text: string, start: number, end: number): Span | null {
  while (start < end && /[\s,;:.“”"'‘’«»]/.test(text[start] as string)) start++
  while (end > start && /[\s,;:.“”"'‘’«»]/.test(text[end - 1] as string)) end--
  return end > start ? span(text, start, end) : null
}

// ------------------------------------------------------------------ sentences and quotes

function sentences(text: string): Span[] {
  const out: Span[] = []
  const re = /[^\n]+/g
  for (let p = re.exec(text); p !== null; p = re.exec(text)) {
    const para = p[0]
    const base = p.index
    let start = 0
    const br = /[.!?؟]+["”’»]*\s+(?=["“‘«]?[\p{Lu}\u0600-\u06ff\d])/gu
    for (let m = br.exec(para); m !== null; m = br.exec(para)) {
      const end = m.index + m[0].trimEnd().length
      // A full stop inside a quotation followed by its attribution stays in one sentence.
      out.push(span(text, base + start, base + end))
      start = m.index + m[0].length
    }
    if (start < para.length) out.push(span(text, base + start, base + para.trimEnd().length))
  }
  return out
}

const OPEN = '“"«'
const CLOSE: Record<string, string> = { '“': '”', '"': '"', '«': '»' }

function quotes(text: string): Span[] {
  const out: Span[] = []
  // Once a line has no closing mark of a kind left, later opening marks of that kind are skipped
  // without searching again, so a line of stray quote marks stays linear.
  let lineEnd = -1
  let noClose = new Set<string>()
  for (let i = 0; i < text.length; i++) {
    if (i > lineEnd) {
      const nl = text.indexOf('\n', i)
      lineEnd = nl < 0 ? text.length : nl
      noClose = new Set()
    }
    const c = text[i] as string
    if (!OPEN.includes(c) || noClose.has(c)) continue
    const close = CLOSE[c] as string
    const j = text.indexOf(close, i + 1)
    if (j < 0 || j > lineEnd) {
      noClose.add(c)
      continue
    }
    // Scare quotes ("death squads") are not speech: speech has five words or more, or is credited
    // right after its closing mark ("“We’ll meet in heaven,” the son said").
    const words = text.slice(i + 1, j).split(/\s+/).length
    if (words >= 5 || (words >= 2 && AFTER_QUOTE.test(text.slice(j, Math.min(lineEnd, j + 160))))) out.push(span(text, i + 1, j))
    i = j
  }
  return out
}

// ------------------------------------------------------------------ people, organisations, speakers

const ARMED: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(?:ISIS|ISIL|Daesh|Da'esh|the Islamic State|Islamic State|l'État islamique|l'EI|داعش|تنظيم الدولة(?: الإسلامية)?|الدولة الإسلامية)\b|داعش|تنظيم الدولة/g, 'ISIS'],
  [/\b(?:al-Qaeda|al Qaeda|al-Qaida|Al-Qaïda|القاعدة)\b|القاعدة/g, 'al-Qaeda'],
  [/\b(?:al-Nusra|Nusra Front|Jabhat al-Nusra|جبهة النصرة)\b/g, 'al-Nusra Front'],
  [/\bBoko Haram\b/g, 'Boko Haram'],
  [/\b(?:Hezbollah|Hizbollah)\b|حزب الله/g, 'Hezbollah'],
]
const ORG_WORD = /\b(?:[A-Z][\w'’-]*\s+(?:(?:for|of|on|des|de|du|pour)\s+)?){0,6}(?:Observatory|Organisation|Organization|Committee|Commission|Council|Ministry|Network|Agency|Office|Army|Front|Brigade|Coalition|Observatoire syrien des droits de l'homme|OSDH|Observatoire|Ligue|Human Rights Watch|Amnesty International)(?:\s+(?:for|of|on|des|de|du|pour)(?:\s+[A-Z][\w'’-]*)+)?|المرصد السوري لحقوق الإنسان|المرصد السوري/g

const SPEECH_VERBS = 'says|said|tells|told|notes|noted|adds|added|asserts|asserted|suggests|suggested|repeats|repeated|explains|explained|states|stated|recalls|recalled|insists|insisted|warns|warned|claims|claimed|confirms|confirmed|reports|reported|writes|wrote|declares|declared|dit|a dit|déclare|a déclaré|affirme|a affirmé|explique|ajoute|souligne|raconte|قال|قالت|يقول|تقول|أضاف|أضافت|أوضح|أكد|أكدت|صرح'
const SPEAKER_NP = "(?:he|she|they|one|il|elle|(?:the|a|an|his|her|their|le|la|un|une|son|sa|leur)\\s+(?:[\\p{Ll}'-]+\\s+){0,3}?[\\p{Ll}'-]+|(?:[a-z]+\\s+){0,3}?[A-Z][\\w'’-]+(?:\\s+[A-Z][\\w'’-]+){0,2})"
// French puts the verb first with a hyphenated pronoun: « ... », dit-il.
const AFTER_QUOTE = new RegExp(`^[”"»]?\\s*[,.]?\\s*[”"»]?\\s*(?:(?:${SPEECH_VERBS})-(?:t-)?(il|elle)|(?:${SPEECH_VERBS})\\s+(${SPEAKER_NP})|(${SPEAKER_NP})\\s+(?:${SPEECH_VERBS}))(?![\\p{L}])`, 'u')
const TRAILING = new RegExp(`,\\s*[”"»]?\\s*(${SPEAKER_NP})\\s+(${SPEECH_VERBS})\\s*\\.?\\s*$`, 'u')
const ACCORDING = /(?:\b[Aa]ccording to|\b[Ss]elon|\b[Dd]'après|وفقا لـ?|بحسب|حسب)\s+((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+|(?:the|a|an|l'|le|la|un|une)\s+[^,.;]{3,60}?)(?=[,.;]|\s+(?:a|an|the)\s)/
const ARABIC_SAID = /(?:قال|قالت|وقال|وقالت|يقول|تقول|أضاف|أكد|أوضح)\s+([\u0621-\u064a]+(?:\s+(?!وهو|وهي|إن|ان|أن)[\u0621-\u064a]+){0,2})(?:\s*[،,]\s*(?:وهو|وهي)\s+([\u0621-\u064a]+(?:\s+[\u0621-\u064a]+){0,3}))?/

const ROLE_KIND: ReadonlyArray<readonly [RegExp, SourceKind | null]> = [
  [/\b(?:father|mother|brother|sister|son|daughter|wife|husband|uncle|cousin|family|relative|père|mère|frère|soeur|sœur|famille)\b|والد|والدة|شقيق|أخ|أم|أب|عائلة/i, 'family'],
  [/\b(?:journalist|reporter|editor|correspondent|newspaper|journaliste|author)\b|صحفي|صحافي/i, 'media'],
  [/\b(?:minister|official|spokesman|spokesperson|police|governor|ministre|porte-parole)\b|وزير|مسؤول|متحدث/i, 'official'],
  [/\b(?:observatory|organisation|organization|ngo|committee|report|observatoire)\b|المرصد|منظمة/i, 'organisation'],
  [/\b(?:friend|neighbour|neighbor|resident|witness|accountant|local|one|youth|ami|voisin|témoin|habitant)\b|صديق|جار|شاهد|مواطن/i, 'witness'],
  [/\b(?:twitter|facebook|telegram|post|tweet|account)\b/i, 'social_account'],
]

/** The source kind a role suggests; null when it says the speaker is an expert (judge by hand); undefined when unknown. */
function sourceKindOf(role: string): SourceKind | null | undefined {
  if (/\b(?:analyst|expert|professor|researcher|academic|scholar|chercheur|professeur|analyste)\b|محلل|خبير|أستاذ|باحث/i.test(role)) return null
  for (const [re, kind] of ROLE_KIND) if (re.test(role)) return kind
  return undefined
}

interface Registry {
  speakers: Speaker[]
  lastSpeaker: Speaker | null
  lastOrg: { name: string; span: Span } | null
}

// Capitalised words that start names of other things (function words at a sentence start, group
// and institution words); anything else is caught by the lower-case test in findPeople.
const NAME_STOP = new Set(['The', 'A', 'An', 'In', 'At', 'On', 'So', 'Such', 'Some', 'This', 'These', 'Those', 'If', 'From', 'When', 'However', 'Like', 'By', 'According', 'One', 'Daesh', 'ISIS', 'ISIL', 'Islamic', 'State', 'Twitter', 'Facebook', 'Google', 'Street', 'Avenue', 'Road', 'Square', 'Human', 'Rights', 'Observatory', 'Ministry', 'Council', 'Committee', 'Army', 'Front'])
// Names stay on one line (a title and a byline are different lines) and hold no possessive.
const NAMED = /\b([A-Z][a-zà-ÿ'’-]+(?: [A-Z][a-zà-ÿ'’-]+){1,2})\b/g

function findPeople(text: string, reg: Registry, placeWords: ReadonlySet<string>): void {
  // A word that also appears in lower case ("kills", "fighters") is a common word capitalised
  // by a headline or a sentence start, not part of a name.
  const lower = new Set<string>()
  for (const m of text.matchAll(/(?<![\p{L}])[a-zà-ÿ][a-zà-ÿ'’-]*/gu)) lower.add(m[0])
  NAMED.lastIndex = 0
  for (let m = NAMED.exec(text); m !== null; m = NAMED.exec(text)) {
    const name = m[1] as string
    const tokens = name.split(/\s+/)
    if (tokens.some((t) => NAME_STOP.has(t) || /['’]s$/.test(t) || placeWords.has(placeKey(t)) || lower.has(t.toLowerCase()))) continue
    if (placeWords.has(placeKey(name))) continue
    const s = span(text, m.index, m.index + name.length)
    const after = text.slice(s.end, s.end + 120)
    const before = text.slice(Math.max(0, s.start - 60), s.start)
    const apposition = /^,\s+((?:a|an|the)\s+[^,.]+?)(?=[,.])/.exec(after)
    const pre = /(?:^|[\s,])((?:[a-z]+\s+){1,3})$/.exec(before)
    const preRole = pre !== null && /(?:professor|journalist|analyst|expert|researcher|minister|spokesman|official|commander|activist|lawyer|accountant|father|mother)\s+$/.test(pre[1] as string) ? (pre[1] as string).trim() : null
    const role = apposition?.[1]?.trim() ?? preRole ?? (/\b(?:by|par|بقلم)\s+$/i.test(before) ? 'author' : null)
    let sp = reg.speakers.find((x) => x.named && x.name === name)
    if (sp === undefined) {
      sp = { id: `s${reg.speakers.length + 1}`, name, named: true, role: role ?? null, sourceKind: role === null ? null : (sourceKindOf(role) ?? null), mentions: [] }
      reg.speakers.push(sp)
    } else if (sp.role === null && role !== null) {
      sp.role = role
      sp.sourceKind = sourceKindOf(role) ?? null
    }
    sp.mentions.push(s)
  }
}

/** Resolves how a speaker is referred to ("he", "Hachadi", "the accountant", "the father") to a speaker. */
function resolveSpeaker(words: Span, reg: Registry): Speaker {
  const sp = findSpeaker(words, reg)
  if (!sp.mentions.some((m) => m.start === words.start)) sp.mentions.push(words)
  return sp
}

function findSpeaker(words: Span, reg: Registry): Speaker {
  const raw = words.quote.trim()
  const lower = raw.toLowerCase()
  if (/^(?:he|she|il|elle|هو|هي)$/.test(lower) && reg.lastSpeaker !== null) return reg.lastSpeaker
  const bare = lower.replace(/^(?:the|a|an|his|her|their|le|la|un|une)\s+/, '')
  const named = reg.speakers.filter((s) => s.named)
  const byName = named.find((s) => s.name === raw || s.name.split(/\s+/).pop() === raw || raw.endsWith(s.name))
  if (byName !== undefined) return byName
  const head = bare.split(/\s+/).pop() ?? bare
  const byRole = named.find((s) => s.role !== null && new RegExp(`\\b${head.replace(/[^\p{L}]/gu, '')}\\b`, 'iu').test(s.role))
  if (byRole !== undefined && /^(?:the|le|la)\s/.test(lower)) return byRole
  if (/^(?:report|statement|observatory)$/.test(head) && reg.lastOrg !== null) {
    let org = reg.speakers.find((s) => s.name === reg.lastOrg?.name)
    if (org === undefined) {
      org = { id: `s${reg.speakers.length + 1}`, name: reg.lastOrg.name, named: true, role: 'organisation', sourceKind: 'organisation', mentions: [reg.lastOrg.span] }
      reg.speakers.push(org)
    }
    return org
  }
  // A role without a name: one speaker per role ("the father", "his father" are the same person).
  const key = bare.replace(/^(?:local|young)\s+/, '')
  let anon = reg.speakers.find((s) => !s.named && s.name.toLowerCase().replace(/^(?:the|a|an|his|her|their|le|la|un|une)\s+/, '') === key)
  if (anon === undefined) {
    const kind = sourceKindOf(raw)
    anon = { id: `s${reg.speakers.length + 1}`, name: raw, named: false, role: raw, sourceKind: kind === undefined ? 'witness' : kind, mentions: [] }
    reg.speakers.push(anon)
  }
  return anon
}

// ------------------------------------------------------------------ events

// Latin words end at a non-letter ((?![\p{L}]) since \b knows only ASCII: "exécutés"); Arabic
// triggers take the whole word so suffixes ("أعدموا") stay out of the victim.
const TRIGGER =
  /(?<![\p{L}])(kill(?:s|ed|ing)?|execut(?:e|es|ed|ing|ion|ions)|liquidat(?:e|es|ed|ing|ion)|murder(?:s|ed|ing)?|behead(?:s|ed|ing)?|shot dead|punished with death|tu(?:é|ée|és|ées|er|ent)|exécut(?:é|ée|és|ées|er|ent|ion|ions)|assassin(?:é|és|at|ats))(?![\p{L}])|(?<![\p{L}])(?:و)?(?:قتل|مقتل|أعدم|إعدام|اعدام|تصفية)[\u0621-\u064a]*/gu
const PEOPLE = /(?<![\p{L}])(youths?|men|man|sons?|fighters?|deserters|members|guys|civilians|people|children|women|recruits|elements|combatants|jihadists|militants|prisoners|him|them|those|combattants|hommes|jeunes|civils|personnes|fils|enfants|femmes|soldats|membres|il|ils)(?![\p{L}])/gu
const VICTIM_STOP = /\s(?:has|have|had|is|was|were|are|will|would|because|for|when|in|at|after|rather|by|from|as|just|and|but|if|who|which|that|than|to|on|during|since|parce|pour|dans|lors|car|qui|لأنه|في)\s|[,.;:!?”"»]/
const PERP_CANON: ReadonlyArray<readonly [RegExp, string]> = [
  [/^(?:ISIS|ISIL|Daesh|the Islamic State|Islamic State|داعش)$/i, 'ISIS'],
]

function canonicalPerpetrator(text: string, lastArmed: string | null): string | null {
  for (const [re, name] of PERP_CANON) if (re.test(text.trim())) return name
  if (/^(?:they|it|the group|the terror(?:ist)? group|ils|le groupe)$/i.test(text.trim())) return lastArmed
  return null
}

interface EventParts {
  act: ActKind
  cause: Cause | null
  causeSpans: Array<{ cause: Cause; span: Span }>
  modality: Modality
  victim: Span | null
  perpetrator: Span | null
  circumstance: Span | null
}

const WINDOW = 300

function readEvent(text: string, sent: Span, tStart: number, tEnd: number): EventParts {
  const word = text.slice(tStart, tEnd).toLowerCase()
  // A window of the sentence around the trigger: a run-on "sentence" with many triggers (a list
  // pasted as prose) must not make the work quadratic.
  const bStart = Math.max(sent.start, tStart - WINDOW)
  const aEnd = Math.min(sent.end, tEnd + WINDOW)
  const before = text.slice(bStart, tStart)
  const after = text.slice(tEnd, aEnd)
  const around = text.slice(bStart, aEnd)
  const isExec = /^(?:execut|exécut|liquidat|behead|punished|أعدم|إعدام|اعدام|تصفية)/.test(word)
  const passive = /\b(?:be|been|being|was|were|is|are|get|got|été|être|a été|ont été)\s+(?:\w+\s+)?$/i.test(before) || (/(?:ed|é|ée|és|ées)$/.test(word) && /^\s+by\b/.test(after))
  const noun = /(?:ion|ions|at|ats)$/.test(word) || /^(?:مقتل|إعدام|اعدام|تصفية)$/.test(word) || /\b(?:the|of|an?|les?|la|des)\s+(?:\w+\s+)?$/i.test(before)
  // Modality: what the sentence does with the event.
  let modality: Modality = 'reported'
  const clause = before.slice(-80)
  if (/\b(?:will|'ll|won't|going to|shall|vont|va)\b/i.test(clause) || /\bin the coming days\b|\bfrom now on\b/i.test(around)) modality = 'future'
  else if (/^\W*(?:if|si)\b/i.test(text.slice(sent.start, sent.start + 12)) || /\bwould\b/i.test(clause)) modality = 'hypothetical'
  else if (/\bsuspected\b|\bpresumed\b|\bprésumé/i.test(clause.slice(-40))) modality = 'suspected'
  else if (/^(?:kill|kills|execute|executes|liquidate|liquidates|murder|murders|behead|beheads|tuer|exécuter)$/.test(word) && !passive) modality = 'generic'
  else if (/ing$/.test(word) && (/\b(?:by|at|in|of)\s+$/i.test(before) || /\bspeciali[sz]ed in\s+$/i.test(before))) modality = 'generic'
  else if (/\bpunished with death\b/.test(word) || /\bmust\b|\bprefers?\b|\bdoesn’t|\bdon’t|\bdon't|\bcan’t\b/i.test(clause.slice(-40))) modality = 'generic'
  // Victim.
  let victim: Span | null = null
  if (passive) {
    let best: RegExpExecArray | null = null
    PEOPLE.lastIndex = 0
    for (let m = PEOPLE.exec(before); m !== null; m = PEOPLE.exec(before)) best = m
    if (best !== null) {
      const headEnd = best.index + best[0].length
      const left = before.slice(0, best.index)
      const np = /((?:(?:[Tt]he|[Aa]n?|[Tt]heir|[Hh]is|[Hh]er|[Ii]ts|[Oo]ur|[Oo]ne|[Mm]any|[Ss]ome|latest|only|other|own|local|young|foreign|[A-Z][\w’'-]*|[\d,]+)\s+){0,4})$/.exec(left)
      victim = trimSpan(text, bStart + best.index - (np?.[1]?.length ?? 0), bStart + headEnd)
    }
  } else {
    const lead = /^\s+(?:(?:just|simply|also|even)\s+)?/.exec(after)?.[0] ?? ''
    let rest = after.slice(lead.length)
    let off = tEnd + lead.length
    if (noun) {
      const of = /^(?:\s*(?:carried out\s+)?(?:by\s+[\w\s]+?\s+)?(?:of|against|de|des)\s+)/i.exec(rest) ?? /^.*?\bagainst\s+/i.exec(rest)
      if (of === null) rest = ''
      else {
        off += of[0].length
        rest = rest.slice(of[0].length)
      }
    }
    const stop = VICTIM_STOP.exec(` ${rest}`)
    let end = stop === null ? rest.length : stop.index - 1
    // "scores of fighters": keep the "of" after a quantifier.
    const q = /^(scores|dozens|hundreds|thousands|some|many|a number|one|any|all|each|several|des dizaines|des centaines)\s+of\s+/i.exec(rest)
    if (q !== null && end <= q[0].length) {
      const s2 = VICTIM_STOP.exec(` ${rest.slice(q[0].length)}`)
      end = q[0].length + (s2 === null ? rest.length - q[0].length : s2.index - 1)
    }
    if (end > 0 && rest.trim() !== '') victim = trimSpan(text, off, off + end)
    if (victim !== null && !/\p{L}/u.test(victim.quote)) victim = null
    // "٣ مدنيين بحلب أمس": a counted victim ends with its counted noun.
    if (victim !== null) {
      const c = findCounts(victim.quote)[0]
      if (c !== undefined && c.start === 0 && c.end < victim.quote.length) victim = span(text, victim.start, victim.start + c.end)
    }
  }
  if (modality === 'reported' && /ing$/.test(word) && victim === null) modality = 'generic'
  // Perpetrator.
  let perpetrator: Span | null = null
  const by = /^\s+(?:(?:\w+\s+){0,2})?by\s+((?:the\s+)?(?:[\w’'-]+\s+){0,3}?(?:ISIS|ISIL|Daesh|group|[A-Z][\w’'-]+))\b/.exec(after)
  if (by !== null) {
    const s = tEnd + by[0].length - (by[1] as string).length
    perpetrator = span(text, s, s + (by[1] as string).length)
  } else if (!passive) {
    // The subject just before the verb, past adverbs: "ISIS just liquidated", "they killed",
    // "These “death squads” recently executed".
    let b = before.replace(/\s+$/, '')
    for (;;) {
      const adv = /\s+(?:just|also|then|recently|reportedly|even|simply|has|have|had|did|already)$/i.exec(b)
      if (adv === null) break
      b = b.slice(0, adv.index)
    }
    const subj = /(?:^|[^\p{L}])(ISIS|ISIL|Daesh|they|it|ils|the (?:terror(?:ist)? )?group|death squads)[”"’]?$/iu.exec(b)
    if (subj !== null) {
      const at = bStart + b.length - subj[0].length + subj[0].indexOf(subj[1] as string)
      perpetrator = span(text, at, at + (subj[1] as string).length)
    }
  }
  // Circumstance: the reason or situation given.
  let circumstance: Span | null = null
  const why = /\b(?:(?:just\s+)?because\b|for\s+(?:wanting|changing|trying|refusing|being|leaving|deserting)\b|when\b|who\s+(?:left|tried|wanted|pull|refused|deserted|fled)\b|parce qu|pour avoir|car\b|لأنه|بسبب)/i.exec(after)
  if (why !== null) {
    const s = tEnd + why.index
    const tail = text.slice(s, aEnd)
    const cut = /[”"»]|\.\s|\.$|,\s+(?:he|she|the|Yathreb|Hachadi|Belkadi)\b/.exec(tail)
    circumstance = trimSpan(text, s, s + (cut === null ? tail.length : cut.index))
  } else {
    const purpose = /\bfor\s+(?:wanting|changing|trying)\b[^.,;”"]*/i.exec(before)
    if (purpose !== null) circumstance = trimSpan(text, bStart + purpose.index, bStart + purpose.index + purpose[0].length)
  }
  // Cause.
  const causeSpans: Array<{ cause: Cause; span: Span }> = []
  const how = /^\s+(?:(?:\w+\s+){0,2}?)((?:in|during)\s+(?:a\s+|an\s+)?(battle|combat|fighting|clashes|suicide (?:operations?|attacks?|bombings?)|(?:an?\s+)?air ?strikes?|shelling)(?:\s+or\s+(?:in\s+)?(battle|combat|fighting|suicide operations?))?)/i.exec(after)
  if (how !== null) {
    const s = tEnd + how[0].length - (how[1] as string).length
    const whole = span(text, s, s + (how[1] as string).length)
    for (const w of [how[2], how[3]]) {
      if (w === undefined) continue
      const lw = w.toLowerCase()
      const cause: Cause = /suicide/.test(lw) ? 'suicide_operation' : /air/.test(lw) ? 'airstrike' : /shelling/.test(lw) ? 'shelling' : 'killed_in_combat'
      const at = text.indexOf(w, whole.start)
      causeSpans.push({ cause, span: at >= 0 ? span(text, at, at + w.length) : whole })
    }
  }
  const cause: Cause | null = isExec ? 'execution' : (causeSpans[0]?.cause ?? null)
  const act: ActKind = isExec ? 'execution' : 'killing'
  return { act, cause, causeSpans, modality, victim, perpetrator, circumstance }
}

// ------------------------------------------------------------------ places

const LOCATIVE = /(?:^|[^\p{L}])(?:in|at|near|from|to|into|of|around|outside|across|between|and|à|de|d'|en|dans|vers|près de|au|aux|في|من|إلى|الى|ب)\s*$/iu
const STREET = /^\s+(?:Street|St\.|Avenue|Road|Square|Boulevard|market|Market|Mosque|University|Hospital|Prison)\b/

function findPlaces(text: string, language: LanguageCode): Array<{ span: Span; entry: NonNullable<ReturnType<typeof lookupPlace>> }> {
  const out: Array<{ span: Span; entry: NonNullable<ReturnType<typeof lookupPlace>> }> = []
  const countries = new Set<string>()
  const cand: Span[] = []
  const re = /\b(?:(?:Al|El|Ar|As|Ad|Ash|An|Le|La|Les)[-\s])?[A-Z][\p{L}’'‘]+(?:[-\s](?:(?:al|el|ez|ar|as|de|du|des|la|le)[-\s])?[A-Z][\p{L}’'‘]+){0,2}/gu
  for (let m = re.exec(text); m !== null; m = re.exec(text)) cand.push(span(text, m.index, m.index + m[0].length))
  if (language === 'ar' || /[\u0600-\u06ff]/.test(text)) {
    const keys = arabicPlaceKeys()
    const words = /[\u0600-\u06ff]+/g
    const toks: Array<[number, number]> = []
    for (let m = words.exec(text); m !== null; m = words.exec(text)) toks.push([m.index, m.index + m[0].length])
    for (let i = 0; i < toks.length; i++) {
      for (let n = 3; n >= 1; n--) {
        if (i + n > toks.length) continue
        const s = (toks[i] as [number, number])[0]
        const e = (toks[i + n - 1] as [number, number])[1]
        let t = text.slice(s, e)
        let off = 0
        // Attached prepositions: "في" is separate, but "ب" / "و" / "ل" cling to the word.
        if (!keys.has(placeKey(t)) && /^[وبل]/.test(t) && keys.has(placeKey(t.slice(1)))) {
          off = 1
          t = t.slice(1)
        }
        if (keys.has(placeKey(t))) {
          cand.push(span(text, s + off, e))
          i += n - 1
          break
        }
      }
    }
  }
  // First pass: countries, which then steer which same-named city is meant.
  const found: Array<{ span: Span; entry: NonNullable<ReturnType<typeof lookupPlace>> }> = []
  for (const c of cand) {
    const e = lookupPlace(c.quote)
    if (e !== null && e.kind === 'country') countries.add(e.country)
  }
  for (const c of cand) {
    // A multi-word name not in the gazetteer ("Agadir Street") is not split to find a place in it.
    const e = lookupPlace(c.quote, countries)
    if (e === null) continue
    if (e.kind === 'city') {
      if (STREET.test(text.slice(c.end, c.end + 20))) continue
      const before = text.slice(Math.max(0, c.start - 12), c.start)
      const arabic = /[\u0600-\u06ff]/.test(c.quote)
      const locative = arabic || LOCATIVE.test(before)
      // Common words are also towns somewhere ("Commerce", "Paradise"): a city counts when it
      // follows a place preposition and lies in a country the document names, or is a city of 100,000+.
      const inCountry = countries.size === 0 || countries.has(e.country)
      if (!(locative && inCountry && e.population >= 15000) && !(locative && e.population >= 100_000)) continue
    }
    found.push({ span: c, entry: e })
  }
  for (const f of found) out.push(f)
  return out
}

// ------------------------------------------------------------------ the extractor

/**
 * Extracts draft mentions, speakers and claims from clean text. Pure and synchronous; the first
 * call loads the gazetteer (about 0.3 s).
 *
 * @example
 * const x = extractClaims('ISIS executed four fighters in Raqqa because they wanted to leave.', { publishedDate: '2014-12-25' })
 * x.claims.map((c) => c.assertion.field) // ['type', 'cause', 'perpetrator', 'fate', 'circumstance', 'count', 'place']
 */
export function extractClaims(text: string, options: ExtractOptions = {}): Extraction {
  const language = options.language ?? detectLanguage(text).language
  const anchor = options.publishedDate !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(options.publishedDate) ? options.publishedDate : null
  const mentions: Mention[] = []
  let n = 0
  const id = (p: string): string => `${p}${++n}`
  const reg: Registry = { speakers: [], lastSpeaker: null, lastOrg: null }

  // Places, dates, counts, organisations over the whole text.
  const places = findPlaces(text, language)
  const placeWords = new Set(places.map((p) => placeKey(p.span.quote)))
  for (const p of places) mentions.push({ kind: 'place', id: id('p'), ...p.span, place: toPlace(p.entry, p.span.quote), placeKind: p.entry.kind, population: p.entry.population })
  for (const d of findDates(text, anchor)) mentions.push({ kind: 'date', id: id('d'), ...span(text, d.start, d.end), edtf: d.edtf, rule: d.rule })
  for (const c of findCounts(text)) mentions.push({ kind: 'count', id: id('n'), ...span(text, c.start, c.end), min: c.min, max: c.max, counted: c.counted, rule: c.rule })
  const orgs: Array<{ span: Span; name: string; armed: boolean }> = []
  for (const [re, name] of ARMED) {
    re.lastIndex = 0
    for (let m = re.exec(text); m !== null; m = re.exec(text)) orgs.push({ span: span(text, m.index, m.index + m[0].length), name, armed: true })
  }
  ORG_WORD.lastIndex = 0
  for (let m = ORG_WORD.exec(text); m !== null; m = ORG_WORD.exec(text)) {
    const s = trimSpan(text, m.index, m.index + m[0].length)
    if (s !== null) orgs.push({ span: s, name: s.quote.replace(/^The\s+/, ''), armed: false })
  }
  const squads = /[“"]?death squads[”"]?|escadrons de la mort|فرق الموت/g
  for (let m = squads.exec(text); m !== null; m = squads.exec(text)) {
    const s = trimSpan(text, m.index, m.index + m[0].length)
    if (s !== null) orgs.push({ span: s, name: 'death squads', armed: true })
  }
  orgs.sort((a, b) => a.span.start - b.span.start)
  for (const o of orgs) mentions.push({ kind: 'organisation', id: id('o'), ...o.span, name: o.name, armedGroup: o.armed })

  findPeople(text, reg, placeWords)
  const quoteSpans = quotes(text)
  const quoteSpeaker = new Map<Span, Speaker | null>()

  const sents = sentences(text)
  const events: Array<Extract<Mention, { kind: 'event' }> & { causeSpans: Array<{ cause: Cause; span: Span }> }> = []
  let lastArmed: string | null = null
  const orgBefore = (pos: number): void => {
    lastArmed = null
    for (const o of orgs) {
      if (o.span.start >= pos) break
      if (o.armed && o.name !== 'death squads') lastArmed = o.name
      if (!o.armed) reg.lastOrg = { name: o.name, span: o.span }
    }
  }
  // Pass 1, in text order (pronouns refer back): who speaks in each sentence, and each quote's speaker.
  const sentSpeakers: Array<Speaker | null> = []
  const accordingAt = new Map<number, Speaker>()
  const quoteMentions: Array<Extract<Mention, { kind: 'quote' }>> = []
  let qi = 0
  for (const sent of sents) {
    orgBefore(sent.start)
    const stext = sent.quote
    let sentSpeaker: Speaker | null = null
    while (qi < quoteSpans.length && (quoteSpans[qi] as Span).start < sent.end) {
      const q = quoteSpans[qi] as Span
      qi++
      const rest = text.slice(q.end, Math.min(text.length, q.end + 160)).split('\n')[0] as string
      const m = AFTER_QUOTE.exec(rest)
      let sp: Speaker | null = null
      let attribution: Span | null = null
      if (m !== null) {
        const who = (m[1] ?? m[2] ?? m[3]) as string
        const at = q.end + rest.indexOf(who, m.index)
        attribution = span(text, at, at + who.length)
        sp = resolveSpeaker(attribution, reg)
      } else if (/:\s*[“"«]?$/.test(text.slice(Math.max(sent.start, q.start - 4), q.start))) {
        // "Zakaria Yathreb, a local accountant, ... sees a storm brewing: “...”": the sentence's subject.
        const named = reg.speakers.find((x) => x.named && x.mentions.some((y) => y.start >= sent.start && y.end <= q.start))
        if (named !== undefined) sp = named
      }
      if (sp !== null && sp.named) reg.lastSpeaker = sp
      quoteSpeaker.set(q, sp)
      quoteMentions.push({ kind: 'quote', id: id('q'), ...q, speakerId: sp?.id ?? null, attribution })
    }
    const trail = TRAILING.exec(stext)
    if (trail !== null && !/[”"»]\s*[,.]?\s*$/.test(stext.slice(0, trail.index + 1))) {
      const at = sent.start + trail.index + trail[0].indexOf(trail[1] as string)
      sentSpeaker = resolveSpeaker(span(text, at, at + (trail[1] as string).length), reg)
      if (sentSpeaker.named) reg.lastSpeaker = sentSpeaker
    }
    const acc = ACCORDING.exec(stext)
    if (acc !== null) {
      const at = sent.start + acc.index + acc[0].indexOf(acc[1] as string)
      sentSpeaker = resolveSpeaker(span(text, at, at + (acc[1] as string).length), reg)
      accordingAt.set(sent.start, sentSpeaker)
    }
    const ar = ARABIC_SAID.exec(stext)
    if (ar !== null && sentSpeaker === null) {
      const at = sent.start + ar.index + ar[0].indexOf(ar[1] as string)
      const who = span(text, at, at + (ar[1] as string).length)
      // Arabic has no capitals: a speaker without the article ("أحمد", not "الأب") is a name.
      if (!/^ال/.test(who.quote)) {
        const role = ar[2] ?? null
        let sp = reg.speakers.find((x) => x.named && x.name === who.quote)
        if (sp === undefined) {
          sp = { id: `s${reg.speakers.length + 1}`, name: who.quote, named: true, role, sourceKind: role === null ? null : (sourceKindOf(role) ?? null), mentions: [] }
          reg.speakers.push(sp)
        }
        sp.mentions.push(who)
        sentSpeaker = sp
        reg.lastSpeaker = sp
      } else sentSpeaker = resolveSpeaker(who, reg)
    }
    sentSpeakers.push(sentSpeaker)
  }
  // Pass 2: a quote with no credit of its own belongs to the speaker credited in its paragraph
  // (the nearest credit after it, else before): articles credit a run of quotes once.
  const credits: Array<{ at: number; speaker: Speaker }> = []
  for (const q of quoteSpans) {
    const sp = quoteSpeaker.get(q)
    if (sp !== null && sp !== undefined) credits.push({ at: q.start, speaker: sp })
  }
  sents.forEach((s, i) => {
    const sp = sentSpeakers[i]
    if (sp !== null && sp !== undefined) credits.push({ at: s.start, speaker: sp })
  })
  credits.sort((x, y) => x.at - y.at)
  for (const qm of quoteMentions) {
    const q = quoteSpans.find((x) => x.start === qm.start) as Span
    if (quoteSpeaker.get(q) !== null) continue
    const paraStart = text.lastIndexOf('\n', q.start) + 1
    const nl = text.indexOf('\n', q.end)
    const paraEnd = nl < 0 ? text.length : nl
    const inPara = credits.filter((c) => c.at >= paraStart && c.at < paraEnd)
    const pick = inPara.find((c) => c.at > q.start) ?? [...inPara].reverse().find((c) => c.at < q.start)
    // A quote standing alone as a paragraph, credited by the next one ("Such is ..., according to a
    // Moroccan analyst").
    const next = pick === undefined && text.slice(paraStart, q.start).trim().length <= 1 ? accordingAt.get(paraEnd + 2) : undefined
    const speaker = pick?.speaker ?? next
    if (speaker !== undefined) {
      quoteSpeaker.set(q, speaker)
      qm.speakerId = speaker.id
    }
  }
  for (const qm of quoteMentions) mentions.push(qm)
  // Pass 3: events, each asserted by the speaker of its quote, else of its sentence.
  lastArmed = null
  sents.forEach((sent, si) => {
    const stext = sent.quote
    TRIGGER.lastIndex = 0
    for (let m = TRIGGER.exec(stext); m !== null; m = TRIGGER.exec(stext)) {
      const tStart = sent.start + m.index
      const tEnd = tStart + m[0].length
      // A pronoun ("they killed him") refers to a group named before its sentence.
      orgBefore(sent.start)
      const parts = readEvent(text, sent, tStart, tEnd)
      const inQuote = quoteSpans.find((q) => q.start <= tStart && tEnd <= q.end)
      const speaker = inQuote !== undefined ? (quoteSpeaker.get(inQuote) ?? null) : (sentSpeakers[si] ?? null)
      const perp = parts.perpetrator === null ? null : { ...parts.perpetrator, resolved: canonicalPerpetrator(parts.perpetrator.quote, lastArmed) }
      events.push({
        kind: 'event',
        id: id('e'),
        ...span(text, tStart, tEnd),
        act: parts.act,
        type: parts.act === 'execution' ? 'execution' : 'killing',
        cause: parts.cause,
        modality: parts.modality,
        victim: parts.victim,
        perpetrator: perp,
        circumstance: parts.circumstance,
        speakerId: speaker?.id ?? null,
        sentence: sent,
        causeSpans: parts.causeSpans,
      })
    }
  })
  for (const e of events) {
    const { causeSpans: _c, ...event } = e
    mentions.push(event)
  }

  const claims = buildClaims(text, events, mentions, sents, reg)
  mentions.sort((a, b) => a.start - b.start || a.end - b.end)
  return { language, anchor, mentions, speakers: reg.speakers, claims }
}

const REPORTING = /\b(?:recorded|documented|counted|verified|registered|reported|recensé|documenté|a recensé|a documenté)\b|وثق|سجل|رصد/

function buildClaims(
  text: string,
  events: Array<Extract<Mention, { kind: 'event' }> & { causeSpans: Array<{ cause: Cause; span: Span }> }>,
  mentions: readonly Mention[],
  sents: readonly Span[],
  reg: Registry,
): DraftClaim[] {
  const claims: DraftClaim[] = []
  const inside = (m: Span, s: Span): boolean => m.start >= s.start && m.end <= s.end
  const add = (e: { id: string }, s: Span, subject: 'incident' | 'person', assertion: Assertion, speakerId: string | null, note: string | null = null): void => {
    claims.push({ start: s.start, end: s.end, quote: s.quote, eventId: e.id, subject, assertion, speakerId, note, extractedBy: EXTRACTOR })
  }
  const reported = events.filter((e) => e.modality === 'reported' || e.modality === 'suspected')
  for (const e of reported) {
    const trig: Span = { start: e.start, end: e.end, quote: e.quote }
    const hedge = e.modality === 'suspected' ? 'told as suspected' : null
    add(e, trig, 'incident', { field: 'type', value: e.type }, e.speakerId, hedge)
    if (e.act === 'execution') add(e, trig, 'incident', { field: 'cause', value: 'execution' }, e.speakerId, hedge)
    const alternatives = e.causeSpans.length > 1 ? 'alternatives given with "or"' : null
    for (const c of e.causeSpans) add(e, c.span, 'incident', { field: 'cause', value: c.cause }, e.speakerId, alternatives)
    if (e.perpetrator !== null) {
      const value = (e.perpetrator.resolved ?? e.perpetrator.quote.replace(/[“”"]/g, '')).slice(0, 300)
      const note = e.perpetrator.resolved !== null && e.perpetrator.resolved !== e.perpetrator.quote ? `"${e.perpetrator.quote}" resolved to ${e.perpetrator.resolved}` : null
      add(e, e.perpetrator, 'incident', { field: 'perpetrator', value }, e.speakerId, note)
    }
    if (e.victim !== null) {
      add(e, trig, 'person', { field: 'fate', value: 'killed' }, e.speakerId, `victim: ${e.victim.quote}`)
      if (/^[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+$/.test(e.victim.quote)) add(e, e.victim, 'person', { field: 'victim_name', value: e.victim.quote }, e.speakerId)
      const nat = /\b(Moroccans?|Syrians?|Iraqis?|Tunisians?|Algerians?|Libyans?|Egyptians?|Jordanians?|Saudis?|French|Belgians?)\b/.exec(e.victim.quote)
      const codes: Record<string, string> = { moroccan: 'MA', syrian: 'SY', iraqi: 'IQ', tunisian: 'TN', algerian: 'DZ', libyan: 'LY', egyptian: 'EG', jordanian: 'JO', saudi: 'SA', french: 'FR', belgian: 'BE' }
      const code = nat === null ? undefined : codes[(nat[1] as string).toLowerCase().replace(/s$/, '')]
      if (nat !== null && code !== undefined) {
        const at = e.victim.start + nat.index
        add(e, span(text, at, at + (nat[1] as string).length), 'person', { field: 'nationality', value: code }, e.speakerId)
      }
    }
    if (e.circumstance !== null) add(e, e.circumstance, 'incident', { field: 'circumstance', value: e.circumstance.quote.slice(0, 2000) }, e.speakerId)
    for (const m of mentions) {
      if (!inside(m, e.sentence)) continue
      if (m.kind === 'count') {
        add(e, m, 'incident', { field: 'count', value: { min: m.min, max: m.max, counted: m.counted } }, e.speakerId, m.rule === 'exact' ? null : m.rule)
      } else if (m.kind === 'date' && m.edtf !== null) {
        add(e, m, 'incident', { field: 'date', value: m.edtf }, e.speakerId, m.rule)
      } else if (m.kind === 'place' && !/\bfrom\s+$/i.test(text.slice(Math.max(0, m.start - 6), m.start))) {
        add(e, m, 'incident', { field: 'place', value: m.place }, e.speakerId, 'a place named in the same sentence')
      }
    }
  }
  // "The Observatory recorded 120 such cases within the last six months": a count without a verb
  // of violence, about the event of the sentence before; the recording body is its source.
  for (let i = 0; i < sents.length; i++) {
    const s = sents[i] as Span
    if (!REPORTING.test(s.quote) || reported.some((e) => inside(e, s))) continue
    const counts = mentions.filter((m) => m.kind === 'count' && inside(m, s))
    if (counts.length === 0) continue
    const prev = [...reported].reverse().find((e) => e.sentence.end <= s.start && e.sentence.start >= ((sents[i - 2] ?? s) as Span).start)
    if (prev === undefined) continue
    const org = mentions.find((m) => m.kind === 'organisation' && inside(m, s) && m.start < s.start + s.quote.search(REPORTING))
    let speakerId: string | null = prev.speakerId
    if (org !== undefined && org.kind === 'organisation') {
      let sp = reg.speakers.find((x) => x.name === org.name)
      if (sp === undefined) {
        sp = { id: `s${reg.speakers.length + 1}`, name: org.name, named: true, role: 'organisation', sourceKind: 'organisation', mentions: [] }
        reg.speakers.push(sp)
      }
      sp.mentions.push({ start: org.start, end: org.end, quote: org.quote })
      speakerId = sp.id
    }
    for (const m of mentions) {
      if (!inside(m, s)) continue
      const note = 'about the event of the sentence before (anaphora such as "such cases")'
      if (m.kind === 'count') add(prev, m, 'incident', { field: 'count', value: { min: m.min, max: m.max, counted: m.counted } }, speakerId, note)
      else if (m.kind === 'date' && m.edtf !== null) add(prev, m, 'incident', { field: 'date', value: m.edtf }, speakerId, `${note}; ${m.rule}`)
    }
  }
  return claims
}
