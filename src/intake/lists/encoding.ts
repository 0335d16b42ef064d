// Guessing a list file's character encoding from its first bytes, without reading the whole file.

/** The encodings a casualty list is read in; names as iconv-lite knows them. */
export type ListEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1256' | 'latin1'

/** What the sniffer found: the encoding, whether a byte-order mark was there, and why. */
export interface EncodingGuess {
  encoding: ListEncoding
  bom: boolean
  reason: string
}

/**
 * Guesses the encoding from a sample of the file's first bytes. A BOM decides (UTF-8, UTF-16 LE/BE).
 * Otherwise valid UTF-8 is UTF-8 (a multi-byte sequence cut by the end of the sample is allowed).
 * Bytes that are not UTF-8 are Windows-1256 when high bytes come in runs (Arabic words are runs of
 * letters above 0x80) and Latin-1 when they stand alone between ASCII letters (accented letters in
 * French words): the two code pages share the byte range, so the shape of the text decides.
 *
 * @example sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61])) // { encoding: 'utf-8', bom: true, ... }
 */
export function sniffEncoding(sample: Uint8Array): EncodingGuess {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: true, reason: 'UTF-8 byte-order mark' }
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: true, reason: 'UTF-16 LE byte-order mark' }
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: true, reason: 'UTF-16 BE byte-order mark' }
  if (isUtf8(sample)) return { encoding: 'utf-8', bom: false, reason: 'valid UTF-8' }
  let high = 0
  let inRun = 0
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i] as number
    if (b < 0x80) continue
    high++
    const prev = i > 0 ? (sample[i - 1] as number) : 0
    const next = i + 1 < sample.length ? (sample[i + 1] as number) : 0
    // In Windows-1256 a space between Arabic words is ASCII, so count neighbours across one space too.
    if (prev >= 0x80 || next >= 0x80) inRun++
  }
  if (high > 0 && inRun / high > 0.6) return { encoding: 'windows-1256', bom: false, reason: 'not UTF-8; high bytes in runs (Arabic letters)' }
  return { encoding: 'latin1', bom: false, reason: 'not UTF-8; isolated high bytes (accented Latin letters)' }
}

/**
 * True when the bytes are valid UTF-8, allowing a sequence cut short at the very end (a sample).
 *
 * @example isUtf8(Buffer.from([0xc3, 0xa9])) // true; isUtf8(Buffer.from([0xe9, 0x20])) // false
 */
export function isUtf8(bytes: Uint8Array): boolean {
  const n = bytes.length
  let i = 0
  while (i < n) {
    const b = bytes[i] as number
    if (b < 0x80) {
      i++
      continue
    }
    let need: number
    if (b >= 0xc2 && b <= 0xdf) need = 1
    else if (b >= 0xe0 && b <= 0xef) need = 2
    else if (b >= 0xf0 && b <= 0xf4) need = 3
    else return false
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return true
      const c = bytes[i + k] as number
      if ((c & 0xc0) !== 0x80) return false
    }
    i += need + 1
  }
  return true
}
