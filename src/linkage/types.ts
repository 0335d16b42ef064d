// Public types of the linkage module: what goes in (one row of a casualty list, reviewer
// decisions, options) and what comes out (a person for every record, with a probability).

/**
 * One row of a casualty list, as the CLI contract names its columns. Any field may be empty or
 * absent; other columns (region, period, ...) may be present and serve as strata for capture
 * histories, but linkage ignores them.
 */
export interface LinkageRecord {
  readonly record_id: string
  readonly list: string
  readonly full_name?: string | null
  readonly given_name?: string | null
  readonly family_name?: string | null
  /** m/male/ذكر/h/homme or f/female/أنثى/femme; anything else is unknown. */
  readonly sex?: string | null
  /** Years; "about 20", "~20", "20-25", "٢٠" are read as a number (a range as its middle). */
  readonly age?: string | number | null
  /** EDTF: "2014-12-03", "2014-12", "2014-12~", "2014", "2014-06-25/2014-12-25"; also DD/MM/YYYY. */
  readonly date_of_death?: string | null
  /** "locality, admin area, country" (most specific first); fewer parts are allowed. */
  readonly place?: string | null
  readonly latitude?: number | null
  readonly longitude?: number | null
  readonly [otherColumn: string]: unknown
}

/** A reviewer's decision on one pair of records: they are the same person, or they are not. */
export interface MatchDecision {
  readonly a: string
  readonly b: string
  readonly decision: 'same' | 'different'
}

/** One component of a blocking key: which value of a record it takes. */
export type BlockKeyPart =
  | 'name_token' // each name token's skeleton (one key per token)
  | 'name_token_pair' // each unordered pair of name-token skeletons (order-insensitive)
  | 'name_key' // all name-token skeletons, sorted
  | 'name_initials' // sorted first letters of the skeletons
  | 'sex'
  | 'age' // age in years
  | 'age_band' // age in five-year bands
  | 'death_day' // exact day of death (only when known to the day)
  | 'death_month' // year and month of death (only when known to the month)
  | 'death_year'
  | 'place' // locality
  | 'admin_area'

/**
 * A blocking rule: records whose keys agree on every part become candidate pairs. Parts with
 * several values per record (name tokens) give several keys. Blocks larger than `maxBlockSize`
 * are skipped (and counted), because a block of n records costs n²/2 comparisons and such a block
 * is made of common values that carry little evidence.
 */
export interface BlockingRule {
  readonly name: string
  readonly on: readonly BlockKeyPart[]
  readonly maxBlockSize?: number
}

/** Options of {@link linkRecords}; every one has a default. */
export interface LinkOptions {
  /** Posterior probability at or above which two records are linked. Default 0.5. */
  readonly threshold?: number
  readonly rules?: readonly BlockingRule[]
  readonly decisions?: readonly MatchDecision[]
  /** Worker threads for comparisons; 0 = single thread. Default: all cores for large inputs. */
  readonly workers?: number
  /** Weigh agreeing names by their rarity (term-frequency adjustment). Default true. */
  readonly termFrequency?: boolean
  /**
   * A person appears at most once on each list: cross-list pairs are scored jointly under that
   * constraint (src/linkage/assign.ts), so that the best of several candidates can win and a
   * candidate already matched elsewhere stops competing. Default true.
   */
  readonly oneToOne?: boolean
  /** EM iterations at most. Default 300. */
  readonly maxIterations?: number
  /** Called with progress messages on long work. */
  readonly onProgress?: (message: string) => void
}

/** The linkage output for one record (the CLI writes these three columns). */
export interface RecordAssignment {
  readonly record_id: string
  /** The record_id of the cluster's first record in input order: stable and readable. */
  readonly cluster_id: string
  /**
   * For a record linked to others: the mean posterior probability of its links to the other
   * records of its cluster. For a record left alone: the probability that it matches none of its
   * candidates (1 − its best candidate's posterior). Low values are what a reviewer should see.
   */
  readonly match_probability: number
}

/** Fitted Fellegi–Sunter parameters, per comparison field and level. */
export interface FittedModel {
  readonly fields: readonly string[]
  readonly levels: readonly (readonly string[])[]
  /** Prior probability that a candidate pair is a match. */
  readonly lambda: number
  readonly m: readonly (readonly number[])[]
  readonly u: readonly (readonly number[])[]
  /** log2(m/u) per field and level (0 for the missing level). */
  readonly weights: readonly (readonly number[])[]
  readonly iterations: number
  readonly converged: boolean
}

/** How many candidate pairs one blocking rule produced. */
export interface RuleReport {
  readonly rule: string
  readonly pairs: number
  /** Pairs this rule found that no earlier rule had found. */
  readonly newPairs: number
  readonly blocks: number
  readonly skippedBlocks: number
  readonly skippedRecords: number
}

/**
 * Candidate pairs with their comparison levels and posterior probabilities (typed arrays). Pair k
 * joins records a[k] < b[k] (input positions); pairs come in no particular order.
 */
export interface ScoredPairs {
  readonly a: Int32Array
  readonly b: Int32Array
  /** Level codes, `fields.length` per pair. */
  readonly levels: Uint8Array
  readonly probability: Float32Array
}

/** Everything {@link linkRecords} produces. */
export interface LinkResult {
  readonly assignments: readonly RecordAssignment[]
  readonly clusterCount: number
  readonly model: FittedModel
  /**
   * The prior probability that two records are one person (model.lambda for a random pair): for a
   * pair within one list, across lists, and for each pair of lists (a list with itself included)
   * with enough candidate pairs to have its own; the others have the value of their kind.
   */
  readonly priors: {
    readonly withinList: number
    readonly acrossLists: number
    readonly listPairs: readonly { readonly lists: readonly [string, string]; readonly lambda: number; readonly candidatePairs: number }[]
  }
  readonly blocking: readonly RuleReport[]
  readonly candidatePairs: number
  /** Candidate pairs set aside before their names were compared: two fields clearly contradict. */
  readonly contradictedPairs: number
  readonly pairs: ScoredPairs
  /** Record ids in input order (pair indices point here). */
  readonly recordIds: readonly string[]
  /** Cluster index per record (dense 0..clusterCount-1), input order. */
  readonly clusterOf: Int32Array
  readonly warnings: readonly string[]
  readonly timings: Readonly<Record<string, number>>
}
