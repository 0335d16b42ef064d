// Row types of every table, as Kysely sees them. Column names are snake_case; dates are ISO text
// (days 'YYYY-MM-DD' compare correctly as strings); JSON is stored as text; booleans as 0/1, so
// the same migrations and queries serve SQLite and PostgreSQL.
import type { ColumnType, Generated } from 'kysely'

type Id = Generated<number>
/** A sealed (encrypted) value: optional on insert, null when absent. */
type Sealed = ColumnType<string | null, string | null | undefined, string | null>

export interface SourceTable {
  id: Id
  kind: string
  name: string
  reliability: string
  independence_group: string
  description: string | null
  url: string | null
  created_at: string
  updated_at: string
  /** Sealed ProtectedFields (AES-256-GCM, see src/security/keyring.ts), or null. */
  protected_data: Sealed
}

export interface DocumentTable {
  id: Id
  source_id: number
  kind: string
  title: string
  language: string
  author: string | null
  published_edtf: string | null
  published_earliest: string | null
  published_latest: string | null
  retrieved_at: string
  url: string | null
  text: string
  sha256: string
  original: Uint8Array | null
  created_at: string
  /** 1 for testimony marked protected: `text` is empty and the text and original bytes are sealed. */
  protected: ColumnType<number, number | undefined, number>
  protected_text: Sealed
  protected_original: Sealed
}

/** Columns of a place, flattened with a prefix, so places filter and group in SQL. */
export interface PlaceColumns {
  place_name: string | null
  place_gazetteer_id: string | null
  place_country: string | null
  place_admin1: string | null
  place_lat: number | null
  place_lon: number | null
}

export interface IncidentTable extends PlaceColumns {
  id: Id
  type: string
  title: string
  description: string | null
  date_edtf: string | null
  date_earliest: string | null
  date_latest: string | null
  /** 'YYYY-MM' when the date lies within one month, else null (counted as uncertain). */
  date_month: string | null
  perpetrator: string | null
  victims_min: number | null
  victims_max: number | null
  computed_grade: string
  grade_override: string | null
  grade_override_reason: string | null
  grade_override_by: string | null
  grade_override_at: string | null
  /** The grade that counts: override ?? computed (kept as a column to filter and group on). */
  grade: string
  created_at: string
  updated_at: string
}

export interface ActTable {
  id: Id
  incident_id: number
  kind: string
  person_id: number | null
  victim_count: number | null
  perpetrator: string | null
  involvement: string
  created_at: string
}

export interface PersonTable extends PlaceColumns {
  id: Id
  /** Sealed ProtectedFields about the family (identity, contact, notes), or null. */
  protected_data: Sealed
  name: string
  name_variants: string
  sex: string
  age_min: number | null
  age_max: number | null
  nationality: string | null
  origin: string | null
  affiliation: string | null
  fate: string
  death_edtf: string | null
  death_earliest: string | null
  death_latest: string | null
  death_month: string | null
  cause: string | null
  grade: string
  created_at: string
  updated_at: string
}

export interface PersonIncidentTable {
  person_id: number
  incident_id: number
}

export interface ClaimTable {
  id: Id
  document_id: number
  source_id: number
  span_start: number
  span_end: number
  quote: string
  /** For a claim on a protected document: the quote sealed here, and `quote` left empty. */
  protected_quote: Sealed
  subject_kind: string
  subject_id: number | null
  field: string
  value_json: string
  credibility: number
  status: string
  extracted_by: string
  note: string | null
  created_at: string
  updated_at: string
}

export interface CasualtyListTable {
  id: Id
  name: string
  source_id: number | null
  description: string | null
  created_at: string
}

export interface ListImportTable {
  id: Id
  list_id: number
  file_name: string
  file_sha256: string
  format: string
  encoding: string
  mapping_json: string
  /** running (interrupted if the process died) or done. */
  status: string
  rows_stored: number
  rows_rejected: number
  /** The last data row committed: a resumed import starts after it. */
  last_row: number
  started_at: string
  updated_at: string
  finished_at: string | null
}

export interface ListRecordTable {
  id: Id
  list_id: number
  import_id: number | null
  row_number: number
  record_key: string | null
  raw_json: string
  full_name: string | null
  given_name: string | null
  family_name: string | null
  sex: string | null
  age_min: number | null
  age_max: number | null
  death_edtf: string | null
  death_earliest: string | null
  death_latest: string | null
  place: string | null
  person_id: number | null
}

export interface LinkageAssignmentTable {
  id: Id
  run_id: number
  list_record_id: number
  /** Dense cluster number within the run. */
  cluster: number
  match_probability: number
}

export interface LinkagePairTable {
  id: Id
  run_id: number
  record_a: number
  record_b: number
  probability: number
  /** 1 when the run put the two records in one cluster. */
  linked: number
  comparison_json: string
  priority: number
}

export interface LinkageRunTable {
  id: Id
  status: string
  parameters_json: string
  seed: number
  input_hash: string
  records: number
  clusters: number
  summary_json: string
  created_by: string
  created_at: string
}

export interface MatchDecisionTable {
  id: Id
  /** The smaller list_record id of the pair. */
  record_a: number
  record_b: number
  decision: string
  reason: string | null
  decided_by: string
  decided_at: string
}

export interface EstimateRunTable {
  id: Id
  method: string
  parameters_json: string
  seed: number | null
  input_hash: string
  stratify: string | null
  histories_json: string
  result_json: string
  created_by: string
  created_at: string
}

export interface AppUserTable {
  id: Id
  username: string
  role: string
  password_hash: string | null
  disabled: number
  created_at: string
  failed_logins: ColumnType<number, number | undefined, number>
  locked_until: string | null
  password_changed_at: string | null
}

export interface AppSessionTable {
  id: Id
  token_hash: string
  user_id: number
  created_at: string
  expires_at: string
  last_seen_at: string
}

export interface ApiTokenTable {
  id: Id
  name: string
  role: string
  token_hash: string
  created_by: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
}

export interface AuditEventTable {
  seq: ColumnType<number, number, never>
  at: string
  actor: string
  action: string
  entity_type: string
  entity_id: string
  digest: string
  prev_hash: string
  hash: string
}

export interface Database {
  source: SourceTable
  document: DocumentTable
  incident: IncidentTable
  act: ActTable
  person: PersonTable
  person_incident: PersonIncidentTable
  claim: ClaimTable
  casualty_list: CasualtyListTable
  list_import: ListImportTable
  list_record: ListRecordTable
  linkage_run: LinkageRunTable
  linkage_assignment: LinkageAssignmentTable
  linkage_pair: LinkagePairTable
  match_decision: MatchDecisionTable
  estimate_run: EstimateRunTable
  app_user: AppUserTable
  app_session: AppSessionTable
  api_token: ApiTokenTable
  audit_event: AuditEventTable
}
