// The `edtf` package ships no type declarations; this covers the part Tally uses.
declare module 'edtf' {
  interface EdtfValue {
    readonly type: string
    /** Earliest instant covered, epoch milliseconds. */
    readonly min: number
    /** Latest instant covered, epoch milliseconds. */
    readonly max: number
    readonly edtf: string
  }
  function edtf(input: string, options?: Record<string, unknown>): EdtfValue
  export default edtf
}
