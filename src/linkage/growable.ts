// An append-only typed array that doubles its buffer: the one growable list of the linkage hot
// loops (blocking keys, candidate codes, the pairs scoring hands to the assignment), so millions
// of values are never boxed; and the searches and sorts over typed arrays those loops share.

type TypedArray = Int32Array | Float64Array | Uint8Array

/**
 * The first index i of sorted[0 .. length) with sorted[i] >= value (length when there is none):
 * the one binary search of the linkage hot loops over sorted typed arrays.
 *
 * @example lowerBound(Float64Array.of(1, 3, 3, 7), 3) // 1
 */
export function lowerBound(sorted: ArrayLike<number>, value: number, length = sorted.length): number {
  let lo = 0
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] as number) < value) lo = mid + 1
    else hi = mid
  }
  return lo
}

export class GrowableArray<T extends TypedArray> {
  /** The buffer; values are data[0 .. length). Hot loops read it directly. */
  data: T
  length = 0
  constructor(
    private readonly make: new (size: number) => T,
    initialSize = 1024,
  ) {
    this.data = new make(initialSize)
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new this.make(this.data.length * 2)
      bigger.set(this.data as never)
      this.data = bigger
    }
    this.data[this.length++] = value
  }

  /** Appends unless the value is already there (for the few values of one record's key). */
  pushUnique(value: number): void {
    for (let k = 0; k < this.length; k++) if (this.data[k] === value) return
    this.push(value)
  }

  clear(): void {
    this.length = 0
  }

  /** The values pushed so far (a view, not a copy). */
  view(): T {
    return this.data.subarray(0, this.length) as T
  }
}

/**
 * `items` (indices) sorted by key[item], an integer in [0, keys), keeping the order of items with
 * equal keys: a counting sort, linear in items and keys.
 *
 * @example stableCountingSort(Int32Array.of(0, 1, 2), Int32Array.of(1, 0, 1), 2) // [1, 0, 2]
 */
export function stableCountingSort(items: Int32Array, key: Int32Array | Uint16Array, keys: number): Int32Array {
  return countingSort(items, key, keys).items
}

/**
 * The indices 0 .. key.length-1 grouped by key (an integer in [0, keys)), ascending within a
 * group: group k is items[start[k] .. start[k + 1]).
 *
 * @example groupByKey(Int32Array.of(1, 0, 1), 2) // { start: [0, 1, 3], items: [1, 0, 2] }
 */
export function groupByKey(key: Int32Array, keys: number): { start: Int32Array; items: Int32Array } {
  return countingSort(null, key, keys)
}

/** `items` (or every index of key, when null) by key, stably, with where each key's run starts. */
function countingSort(items: Int32Array | null, key: Int32Array | Uint16Array, keys: number): { start: Int32Array; items: Int32Array } {
  const count = items === null ? key.length : items.length
  const start = new Int32Array(keys + 1)
  for (let q = 0; q < count; q++) {
    const k = (key[items === null ? q : (items[q] as number)] as number) + 1
    start[k] = (start[k] as number) + 1
  }
  for (let k = 0; k < keys; k++) start[k + 1] = (start[k + 1] as number) + (start[k] as number)
  const fill = start.slice(0, keys)
  const out = new Int32Array(count)
  for (let q = 0; q < count; q++) {
    const item = items === null ? q : (items[q] as number)
    const k = key[item] as number
    out[fill[k] as number] = item
    fill[k] = (fill[k] as number) + 1
  }
  return { start, items: out }
}
