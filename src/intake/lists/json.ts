// Streaming JSON for lists: an array of objects, or JSON lines, one element at a time, so a list
// file is never held whole in memory. The scanner only finds where each top-level element starts
// and ends (depth, strings, escapes); JSON.parse reads the element itself.

/** One top-level element's text and the line it starts on; or a syntax problem there. */
export type JsonElement = { kind: 'element'; line: number; text: string } | { kind: 'error'; line: number; message: string }

/**
 * Splits a stream of text holding a JSON array (`[{...}, {...}]`) or JSON lines into its elements.
 *
 * @example for await (const el of jsonElements(chunks)) JSON.parse(el.text)
 */
export async function* jsonElements(chunks: AsyncIterable<string>): AsyncGenerator<JsonElement> {
  let mode: 'start' | 'array' | 'lines' | 'done' = 'start'
  let depth = 0
  let inString = false
  let escape = false
  let line = 1
  let elementLine = 1
  let current: string[] = []
  let partStart = -1
  let skipLine = false
  for await (const chunk of chunks) {
    partStart = depth > 0 ? 0 : -1
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i)
      if (c === 10) {
        line++
        skipLine = false
      }
      if (skipLine) continue
      if (inString) {
        if (escape) escape = false
        else if (c === 92) escape = true
        else if (c === 34) inString = false
        continue
      }
      if (c === 32 || c === 9 || c === 13 || c === 10 || c === 0xfeff) continue
      if (mode === 'start') {
        if (c === 91) {
          mode = 'array'
          continue
        }
        mode = 'lines'
      }
      if (depth === 0) {
        if (mode === 'array' && (c === 44 || c === 93)) {
          if (c === 93) mode = 'done'
          continue
        }
        if (mode === 'done') {
          yield { kind: 'error', line, message: 'text after the end of the JSON array' }
          return
        }
        if (c !== 123) {
          yield { kind: 'error', line, message: `expected an object, found "${chunk[i]}"` }
          if (mode === 'array') return
          // JSON lines: skip the rest of this line and go on with the next.
          skipLine = true
          continue
        }
        elementLine = line
        partStart = i
      }
      if (c === 34) inString = true
      else if (c === 123 || c === 91) depth++
      else if (c === 125 || c === 93) {
        depth--
        if (depth === 0) {
          current.push(chunk.slice(partStart, i + 1))
          yield { kind: 'element', line: elementLine, text: current.join('') }
          current = []
          partStart = -1
        }
      }
    }
    if (depth > 0 && partStart >= 0) current.push(chunk.slice(partStart))
  }
  if (depth > 0 || inString) yield { kind: 'error', line: elementLine, message: 'the file ends inside an object' }
  else if (mode === 'array') yield { kind: 'error', line, message: 'the JSON array is not closed' }
}
