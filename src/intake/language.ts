// Offline language identification for the three languages Tally's documenters work in. A script
// count settles Arabic; English and French share a script and are told apart by their commonest
// function words, which is reliable on article-length text and costs one pass.

/** An ISO 639-1 code Tally extracts from, or 'und' when the text gives no grip. */
export type LanguageCode = 'en' | 'fr' | 'ar' | 'und'

export interface LanguageGuess {
  language: LanguageCode
  /** Share of the evidence for the chosen language, 0–1. */
  confidence: number
}

const EN = new Set(['the', 'and', 'of', 'to', 'in', 'is', 'was', 'that', 'for', 'with', 'he', 'his', 'they', 'were', 'are', 'by', 'from', 'this', 'said', 'who', 'have', 'has', 'not', 'it', 'on', 'at', 'be'])
const FR = new Set(['le', 'la', 'les', 'de', 'des', 'du', 'et', 'un', 'une', 'est', 'que', 'qui', 'dans', 'pour', 'par', 'sur', 'il', 'ils', 'au', 'aux', 'ont', 'été', 'pas', 'avec', 'ce', 'son', 'sa', 'ses', 'selon'])

/**
 * Guesses the language of a text among en, fr and ar.
 *
 * @example detectLanguage('Ils ont été tués dans la ville').language // 'fr'
 */
export function detectLanguage(text: string): LanguageGuess {
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text
  let arabic = 0
  let latin = 0
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i)
    if (c >= 0x600 && c <= 0x6ff) arabic++
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x17f)) latin++
  }
  if (arabic + latin === 0) return { language: 'und', confidence: 0 }
  if (arabic > latin) return { language: 'ar', confidence: arabic / (arabic + latin) }
  let en = 0
  let fr = 0
  for (const m of sample.toLowerCase().matchAll(/[a-zàâçéèêëîïôûùüÿœ]+/g)) {
    const w = m[0]
    if (EN.has(w)) en++
    if (FR.has(w)) fr++
  }
  if (en + fr === 0) return { language: 'und', confidence: 0 }
  return en >= fr ? { language: 'en', confidence: en / (en + fr) } : { language: 'fr', confidence: fr / (en + fr) }
}
