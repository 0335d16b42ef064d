// Documents in: plain text or HTML → clean text (the text that is stored and that claims' spans
// point into), with what was removed, a map back to the input, and the metadata the page carries.
import { parseHTML } from 'linkedom'
import { Readability } from '@mozilla/readability'
import { detectLanguage, type LanguageGuess } from './language.js'
import { foldDigits, isoDay, monthNumber, MONTH_NAME_PATTERN } from './calendar.js'

/** A stretch of clean text copied from `original` at the same length. */
export interface Segment {
  clean: number
  original: number
  length: number
}

/** Why a line was left out of the clean text. */
export type RemovalReason = 'boilerplate' | 'duplicate' | 'pull_quote'

export interface Removal {
  /** Offsets in the original text. */
  start: number
  end: number
  text: string
  reason: RemovalReason
}

/** A publication date as found: EDTF, and what was (not) known. */
export interface PublishedDate {
  /** EDTF; "XXXX-12-25" when the page gives no year. */
  edtf: string
  /** The words on the page. */
  asWritten: string
  /** Plain-words account of how it was read, and any doubt (missing year, weekday mismatch). */
  note: string
}

export interface CleanDocument {
  /** The clean text: what is stored; all extraction spans point into it. */
  text: string
  /** The text the segments map into: the input for plain text, readability's article text for HTML. */
  original: string
  segments: Segment[]
  removed: Removal[]
  title: string | null
  author: string | null
  /** The outlet named in the byline ("for Magharebia"). */
  outlet: string | null
  /** The dateline place of the byline ("in Casablanca"). */
  dateline: string | null
  publishedDate: PublishedDate | null
  language: LanguageGuess
}

// Lines that are page furniture, not article: share bars, author boxes, comment notices.
const BOILERPLATE: readonly RegExp[] = [
  /^(?:(?:google\s*\+|facebook|twitter|x|pinterest|linkedin|tumblr|reddit|whatsapp|telegram|email|e-mail|print|vk|stumbleupon|digg)(?=[\s|,·•+]|$)[\s|,·•]*)+\+?$/i,
  /^(?:share|share this|share this article|share on \w+|partager|partagez|شارك|مشاركة|تويت)[.:!]?$/i,
  /^(?:about (?:the )?author|à propos de l'auteur|a propos de l'auteur|عن الكاتب|نبذة عن الكاتب)[.:]?$/i,
  /^(?:comments are closed|leave a (?:comment|reply)|no comments yet|les commentaires sont fermés|التعليقات مغلقة|اترك تعليقا)[.!]?$/i,
  /^(?:related(?: posts| articles)?|read more|lire aussi|à lire aussi|اقرأ أيضا|advertisement|publicité|إعلان|tags?:.*|mots-clés\s*:.*|subscribe.*|abonnez-vous.*)$/i,
  /^\+$/,
]

const DUPLICATE_WINDOW = 6

/**
 * Cleans plain text: drops boilerplate lines and a line repeating one of the few lines before it
 * (captions printed twice), collapses blank runs into one paragraph break, and keeps a segment map.
 *
 * @example cleanText('Title\n\nShare.\n\nBody.').text // 'Title\n\nBody.'
 */
export function cleanText(input: string): CleanDocument {
  const original = input.replace(/\r\n?/g, '\n')
  const segments: Segment[] = []
  const removed: Removal[] = []
  const recent: string[] = []
  const parts: string[] = []
  let cleanLength = 0
  let pos = 0
  const allLines = original.split('\n')
  let lineIndex = -1
  for (const raw of allLines) {
    lineIndex++
    const lineStart = pos
    pos += raw.length + 1
    const lead = raw.length - raw.trimStart().length
    const line = raw.trim()
    if (line === '') continue
    const start = lineStart + lead
    const end = start + line.length
    if (BOILERPLATE.some((re) => re.test(line))) {
      removed.push({ start, end, text: line, reason: 'boilerplate' })
      continue
    }
    if (recent.includes(line)) {
      removed.push({ start, end, text: line, reason: 'duplicate' })
      continue
    }
    if (isPullQuote(line, allLines, lineIndex)) {
      removed.push({ start, end, text: line, reason: 'pull_quote' })
      continue
    }
    recent.push(line)
    if (recent.length > DUPLICATE_WINDOW) recent.shift()
    if (parts.length > 0) {
      parts.push('\n\n')
      cleanLength += 2
    }
    segments.push({ clean: cleanLength, original: start, length: line.length })
    parts.push(line)
    cleanLength += line.length
  }
  const text = parts.join('')
  const meta = readMetadata(text)
  return { text, original, segments, removed, ...meta, language: detectLanguage(text) }
}

const bareWords = (s: string): string => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()

// A pull quote repeats, as a short line of its own, words printed in full a few lines further on
// ("‘ISIS just liquidated him’." before the father's quote): kept, it would count the event twice.
function isPullQuote(line: string, lines: readonly string[], index: number): boolean {
  if (line.length > 160 || !/^[‘'“"«]/.test(line)) return false
  const words = bareWords(line)
  if (words.split(' ').length < 3) return false
  for (let k = index + 1, seen = 0; k < lines.length && seen < 4; k++) {
    const next = (lines[k] as string).trim()
    if (next === '') continue
    seen++
    if (next.length > line.length && bareWords(next).includes(words)) return true
  }
  return false
}

/**
 * Cleans an HTML page: readability finds the article, its block elements become paragraphs, and the
 * plain-text cleaning runs on those (so share bars readability kept still go). Title, byline and
 * date come from readability when the page has them, otherwise from the text.
 *
 * @example cleanHtml('<html><body><article><h1>T</h1><p>Body text.</p></article></body></html>').text
 */
export function cleanHtml(html: string): CleanDocument {
  let { document } = parseHTML(html)
  // A fragment without <html> ("hello", "<p>…</p>") parses to a document with no root element,
  // which readability refuses: give it the page it expects.
  if (document.documentElement?.tagName !== 'HTML') document = parseHTML(`<!doctype html><html><body>${html}</body></html>`).document
  let article: ReturnType<Readability['parse']> = null
  try {
    article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 100 }).parse()
  } catch {
    // Pages readability cannot read are cleaned from their body below, as if it had found nothing.
    article = null
  }
  const blocks: string[] = []
  if (article !== null && typeof article.content === 'string') {
    const { document: inner } = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`)
    collectBlocks(inner.body as unknown as DomElement, blocks)
  }
  if (blocks.length === 0) {
    // (Readability edits the page it reads; it may leave no root element behind.)
    const body = (document.documentElement ? document.body : null) as unknown as DomElement | null
    if (body !== null) collectBlocks(body, blocks)
  }
  const doc = cleanText(blocks.join('\n'))
  const title = article?.title?.trim() || doc.title
  const byline = article?.byline?.trim() ?? ''
  const author = byline !== '' ? (readByline(byline)?.author ?? byline) : doc.author
  let publishedDate = doc.publishedDate
  const published = article?.publishedTime ?? null
  if (publishedDate === null && published !== null && /^\d{4}-\d{2}-\d{2}/.test(published)) {
    publishedDate = { edtf: published.slice(0, 10), asWritten: published, note: 'from the page metadata' }
  }
  return { ...doc, title: title ?? null, author, publishedDate }
}

// The DOM as far as the block walk reads it (the project compiles without the DOM library).
interface DomNode {
  readonly nodeType: number
  readonly textContent: string | null
  readonly childNodes: ArrayLike<DomNode>
}
interface DomElement extends DomNode {
  readonly tagName: string
  readonly children: ArrayLike<DomElement>
}

const BLOCK = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'LI', 'BLOCKQUOTE', 'FIGCAPTION', 'PRE', 'TD', 'TH', 'DT', 'DD', 'CAPTION'])
const CONTAINER = new Set(['DIV', 'SECTION', 'ARTICLE', 'MAIN', 'UL', 'OL', 'TABLE', 'TBODY', 'THEAD', 'TR', 'FIGURE', 'HEADER', 'FOOTER', 'ASIDE', 'DL', 'BODY'])
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'NAV', 'FORM', 'BUTTON', 'SVG', 'IFRAME'])

function collectBlocks(el: DomElement, out: string[]): void {
  let inline = ''
  for (const node of Array.from(el.childNodes)) {
    if (node.nodeType === 3) {
      inline += node.textContent ?? ''
      continue
    }
    if (node.nodeType !== 1) continue
    const child = node as DomElement
    const tag = child.tagName.toUpperCase()
    if (SKIP.has(tag)) continue
    if (BLOCK.has(tag) || CONTAINER.has(tag)) {
      if (inline.trim() !== '') out.push(inline.replace(/\s+/g, ' ').trim())
      inline = ''
      if (BLOCK.has(tag) && !hasBlockChild(child)) {
        const t = (child.textContent ?? '').replace(/\s+/g, ' ').trim()
        if (t !== '') out.push(t)
      } else collectBlocks(child, out)
    } else if (tag === 'BR') {
      if (inline.trim() !== '') out.push(inline.replace(/\s+/g, ' ').trim())
      inline = ''
    } else inline += child.textContent ?? ''
  }
  if (inline.trim() !== '') out.push(inline.replace(/\s+/g, ' ').trim())
}

function hasBlockChild(el: DomElement): boolean {
  for (const c of Array.from(el.children)) {
    const tag = c.tagName.toUpperCase()
    if (BLOCK.has(tag) || CONTAINER.has(tag)) return true
  }
  return false
}

/**
 * Maps an offset in the clean text back to the input (plain text) or to readability's text (HTML).
 *
 * @example toOriginalOffset(doc, doc.text.indexOf('Casablanca'))
 */
export function toOriginalOffset(doc: Pick<CleanDocument, 'segments'>, cleanOffset: number): number | null {
  let lo = 0
  let hi = doc.segments.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = doc.segments[mid] as Segment
    if (cleanOffset < s.clean) hi = mid - 1
    else if (cleanOffset > s.clean + s.length) lo = mid + 1
    else return s.original + (cleanOffset - s.clean)
  }
  return null
}

const WEEKDAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|الاثنين|الإثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة|السبت|الأحد|الاحد'
const WEEKDAY_INDEX: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, dimanche: 0, lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6, 'الأحد': 0, 'الاحد': 0, 'الاثنين': 1, 'الإثنين': 1, 'الثلاثاء': 2, 'الأربعاء': 3, 'الاربعاء': 3, 'الخميس': 4, 'الجمعة': 5, 'السبت': 6 }
const DATE_LINE = new RegExp(
  `^(?:(${WEEKDAYS})[,،]?\\s+)?(?:(${MONTH_NAME_PATTERN})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?|(\\d{1,2})(?:er)?\\s+(${MONTH_NAME_PATTERN}))(?:[,،]?\\s+(\\d{4}))?$`,
  'i',
)

/**
 * Reads a date line ("Wednesday, December 25", "25 décembre 2014", "الخميس 25 ديسمبر 2014"). With no
 * year, the EDTF has an unspecified year (XXXX-12-25) and the note lists the years whose calendar
 * puts that weekday on that day, without choosing: the page does not say.
 *
 * @example readDateLine('Wednesday, December 25')?.edtf // 'XXXX-12-25'
 */
export function readDateLine(line: string): PublishedDate | null {
  const m = DATE_LINE.exec(foldDigits(line.trim()))
  if (!m) return null
  const month = monthNumber((m[2] ?? m[5]) as string)
  const day = Number(m[3] ?? m[4])
  if (month === null || day < 1 || day > 31) return null
  const weekday = m[1] === undefined ? null : WEEKDAY_INDEX[m[1].toLowerCase()]
  const mm = String(month).padStart(2, '0')
  const dd = String(day).padStart(2, '0')
  if (m[6] !== undefined) {
    const year = Number(m[6])
    const iso = isoDay(year, month, day)
    if (iso === null) return null
    const actual = new Date(`${iso}T00:00:00Z`).getUTCDay()
    const note = weekday !== null && weekday !== undefined && weekday !== actual ? `the weekday on the page does not match ${iso}` : 'as printed'
    return { edtf: iso, asWritten: line.trim(), note }
  }
  let note = 'the page gives no year; the year is left unspecified'
  if (weekday !== null && weekday !== undefined) {
    const years: number[] = []
    for (let y = 2000; y <= new Date().getUTCFullYear() + 1; y++) if (new Date(Date.UTC(y, month - 1, day)).getUTCDay() === weekday) years.push(y)
    note += `; that weekday falls on ${mm}-${dd} in ${years.join(', ')} (not used: the page does not say which)`
  }
  return { edtf: `XXXX-${mm}-${dd}`, asWritten: line.trim(), note }
}

interface Byline {
  author: string
  dateline: string | null
  outlet: string | null
}

const BYLINE = /^(?:(?:analysis|report|story|text|interview|reporting|written|commentary|analyse|reportage|enquête|entretien)\s+)?(?:by|par|بقلم|كتب|كتبت|تقرير)\s*:?\s+(.+?)(?:\s+(?:in|à|من|في)\s+([^,]+?))?(?:\s*[,-]?\s*(?:for|pour|لـ|ل)\s+(.+))?$/i

/**
 * Reads a byline: author, dateline place and outlet, in English, French or Arabic.
 *
 * @example readByline('Analysis by Mawassi Lahcen in Casablanca for Magharebia') // { author: 'Mawassi Lahcen', dateline: 'Casablanca', outlet: 'Magharebia' }
 */
export function readByline(line: string): Byline | null {
  const m = BYLINE.exec(line.replace(/\s+/g, ' ').trim())
  if (!m) return null
  const author = (m[1] as string).trim()
  if (author.split(' ').length > 6) return null
  return { author, dateline: m[2]?.trim() ?? null, outlet: m[3]?.trim() ?? null }
}

function readMetadata(text: string): Pick<CleanDocument, 'title' | 'author' | 'outlet' | 'dateline' | 'publishedDate'> {
  const lines = text.split('\n\n').slice(0, 8)
  let title: string | null = null
  let publishedDate: PublishedDate | null = null
  let byline: Byline | null = null
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (publishedDate === null) {
      const d = readDateLine(line)
      if (d !== null) {
        publishedDate = d
        continue
      }
    }
    if (byline === null) {
      // The outlet often sits on the next line ("for Magharebia").
      const next = lines[i + 1] ?? ''
      const joined = /^(?:for|pour)\s+\S/i.test(next) ? `${line} ${next}` : line
      const b = readByline(joined)
      if (b !== null) {
        byline = b
        continue
      }
    }
    if (title === null && line.length <= 200 && !/[.!?:]$/.test(line) && !/^(?:for|pour)\s/i.test(line)) title = line
  }
  return { title, author: byline?.author ?? null, outlet: byline?.outlet ?? null, dateline: byline?.dateline ?? null, publishedDate }
}
