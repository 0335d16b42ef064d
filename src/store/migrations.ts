// One set of migrations for SQLite and PostgreSQL. Where the two differ (identity columns, binary
// columns) the migration asks the backend kind; everything else is the same DDL.
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type CreateTableBuilder } from 'kysely'
import type { BackendKind } from './backend.js'

// Migrations see the database before and after their change, so they are typed loosely on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>

function withId<T extends string>(kind: BackendKind, table: CreateTableBuilder<T, never>) {
  return kind === 'sqlite'
    ? table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
}

function withPlace<T extends string>(table: CreateTableBuilder<T, never>) {
  return table
    .addColumn('place_name', 'text')
    .addColumn('place_gazetteer_id', 'text')
    .addColumn('place_country', 'text')
    .addColumn('place_admin1', 'text')
    .addColumn('place_lat', 'double precision')
    .addColumn('place_lon', 'double precision')
}

function initial(kind: BackendKind): Migration {
  return {
    async up(db: AnyDb) {
      await withId(kind, db.schema.createTable('source'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('reliability', 'text', (c) => c.notNull())
        .addColumn('independence_group', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('url', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('source_name').on('source').column('name').execute()

      await withId(kind, db.schema.createTable('document'))
        .addColumn('source_id', 'integer', (c) => c.notNull().references('source.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('author', 'text')
        .addColumn('published_edtf', 'text')
        .addColumn('published_earliest', 'text')
        .addColumn('published_latest', 'text')
        .addColumn('retrieved_at', 'text', (c) => c.notNull())
        .addColumn('url', 'text')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull().unique())
        .addColumn('original', kind === 'sqlite' ? 'blob' : 'bytea')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('document_source').on('document').column('source_id').execute()

      await withPlace(withId(kind, db.schema.createTable('incident')))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('date_edtf', 'text')
        .addColumn('date_earliest', 'text')
        .addColumn('date_latest', 'text')
        .addColumn('date_month', 'text')
        .addColumn('perpetrator', 'text')
        .addColumn('victims_min', 'integer')
        .addColumn('victims_max', 'integer')
        .addColumn('computed_grade', 'text', (c) => c.notNull())
        .addColumn('grade_override', 'text')
        .addColumn('grade_override_reason', 'text')
        .addColumn('grade_override_by', 'text')
        .addColumn('grade_override_at', 'text')
        .addColumn('grade', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('incident_type_grade').on('incident').columns(['type', 'grade']).execute()
      await db.schema.createIndex('incident_date').on('incident').columns(['date_earliest', 'date_latest']).execute()

      await withPlace(withId(kind, db.schema.createTable('person')))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('name_variants', 'text', (c) => c.notNull())
        .addColumn('sex', 'text', (c) => c.notNull())
        .addColumn('age_min', 'integer')
        .addColumn('age_max', 'integer')
        .addColumn('nationality', 'text')
        .addColumn('origin', 'text')
        .addColumn('affiliation', 'text')
        .addColumn('fate', 'text', (c) => c.notNull())
        .addColumn('death_edtf', 'text')
        .addColumn('death_earliest', 'text')
        .addColumn('death_latest', 'text')
        .addColumn('death_month', 'text')
        .addColumn('cause', 'text')
        .addColumn('grade', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      // No index for person statistics: they are counted from an in-memory columnar copy
      // (repos/person-facts.ts), and every index slows bulk imports.
      // No index on the dates of death either: statistics use the in-memory copy, lists filter
      // while walking the primary key, and at a million rows this index alone cost a third of
      // the bulk-insert time (27–30 s with it, 17.7 s without; bench/store.ts).

      await withId(kind, db.schema.createTable('act'))
        .addColumn('incident_id', 'integer', (c) => c.notNull().references('incident.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('person_id', 'integer', (c) => c.references('person.id'))
        .addColumn('victim_count', 'integer')
        .addColumn('perpetrator', 'text')
        .addColumn('involvement', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('act_incident').on('act').column('incident_id').execute()

      await db.schema
        .createTable('person_incident')
        .addColumn('person_id', 'integer', (c) => c.notNull().references('person.id'))
        .addColumn('incident_id', 'integer', (c) => c.notNull().references('incident.id'))
        .addPrimaryKeyConstraint('person_incident_pk', ['person_id', 'incident_id'])
        .execute()
      await db.schema.createIndex('person_incident_incident').on('person_incident').column('incident_id').execute()

      await withId(kind, db.schema.createTable('claim'))
        .addColumn('document_id', 'integer', (c) => c.notNull().references('document.id'))
        .addColumn('source_id', 'integer', (c) => c.notNull().references('source.id'))
        .addColumn('span_start', 'integer', (c) => c.notNull())
        .addColumn('span_end', 'integer', (c) => c.notNull())
        .addColumn('quote', 'text', (c) => c.notNull())
        .addColumn('subject_kind', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'integer')
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('value_json', 'text', (c) => c.notNull())
        .addColumn('credibility', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('extracted_by', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('claim_subject').on('claim').columns(['subject_kind', 'subject_id']).execute()
      await db.schema.createIndex('claim_document').on('claim').column('document_id').execute()
      await db.schema.createIndex('claim_status').on('claim').column('status').execute()

      await withId(kind, db.schema.createTable('casualty_list'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('source_id', 'integer', (c) => c.references('source.id'))
        .addColumn('description', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()

      // One import of one file into one list: what resumes an interrupted import.
      await withId(kind, db.schema.createTable('list_import'))
        .addColumn('list_id', 'integer', (c) => c.notNull().references('casualty_list.id'))
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_sha256', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('encoding', 'text', (c) => c.notNull())
        .addColumn('mapping_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('rows_stored', 'integer', (c) => c.notNull())
        .addColumn('rows_rejected', 'integer', (c) => c.notNull())
        .addColumn('last_row', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addUniqueConstraint('list_import_file', ['list_id', 'file_sha256'])
        .execute()

      await withId(kind, db.schema.createTable('list_record'))
        .addColumn('list_id', 'integer', (c) => c.notNull().references('casualty_list.id'))
        .addColumn('import_id', 'integer', (c) => c.references('list_import.id'))
        .addColumn('row_number', 'integer', (c) => c.notNull())
        .addColumn('record_key', 'text')
        .addColumn('raw_json', 'text', (c) => c.notNull())
        .addColumn('full_name', 'text')
        .addColumn('given_name', 'text')
        .addColumn('family_name', 'text')
        .addColumn('sex', 'text')
        .addColumn('age_min', 'integer')
        .addColumn('age_max', 'integer')
        .addColumn('death_edtf', 'text')
        .addColumn('death_earliest', 'text')
        .addColumn('death_latest', 'text')
        .addColumn('place', 'text')
        .addColumn('person_id', 'integer', (c) => c.references('person.id'))
        .addUniqueConstraint('list_record_row', ['list_id', 'import_id', 'row_number'])
        .execute()
      // No index on list_record.person_id yet: nothing reads by it, and every index slows imports.

      // Record linkage: each run with its parameters, seed and input hash; reviewers' decisions
      // on pairs of list records, which every later run must respect.
      await withId(kind, db.schema.createTable('linkage_run'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('parameters_json', 'text', (c) => c.notNull())
        .addColumn('seed', 'integer', (c) => c.notNull())
        .addColumn('input_hash', 'text', (c) => c.notNull())
        .addColumn('records', 'integer', (c) => c.notNull())
        .addColumn('clusters', 'integer', (c) => c.notNull())
        .addColumn('summary_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()
      // Which cluster each record fell in, per run: the latest run's clusters are the persons.
      await withId(kind, db.schema.createTable('linkage_assignment'))
        .addColumn('run_id', 'integer', (c) => c.notNull().references('linkage_run.id'))
        .addColumn('list_record_id', 'integer', (c) => c.notNull().references('list_record.id'))
        .addColumn('cluster', 'integer', (c) => c.notNull())
        .addColumn('match_probability', 'double precision', (c) => c.notNull())
        .addUniqueConstraint('linkage_assignment_record', ['run_id', 'list_record_id'])
        .execute()
      // The run's most informative uncertain pairs, for reviewers, most informative first.
      await withId(kind, db.schema.createTable('linkage_pair'))
        .addColumn('run_id', 'integer', (c) => c.notNull().references('linkage_run.id'))
        .addColumn('record_a', 'integer', (c) => c.notNull().references('list_record.id'))
        .addColumn('record_b', 'integer', (c) => c.notNull().references('list_record.id'))
        .addColumn('probability', 'double precision', (c) => c.notNull())
        .addColumn('linked', 'integer', (c) => c.notNull())
        .addColumn('comparison_json', 'text', (c) => c.notNull())
        .addColumn('priority', 'double precision', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('linkage_pair_run').on('linkage_pair').columns(['run_id', 'priority']).execute()
      await withId(kind, db.schema.createTable('match_decision'))
        .addColumn('record_a', 'integer', (c) => c.notNull().references('list_record.id'))
        .addColumn('record_b', 'integer', (c) => c.notNull().references('list_record.id'))
        .addColumn('decision', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('decided_by', 'text', (c) => c.notNull())
        .addColumn('decided_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('match_decision_pair', ['record_a', 'record_b'])
        .execute()

      // Multiple systems estimation: each run reproducible from what is stored.
      await withId(kind, db.schema.createTable('estimate_run'))
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('parameters_json', 'text', (c) => c.notNull())
        .addColumn('seed', 'integer')
        .addColumn('input_hash', 'text', (c) => c.notNull())
        .addColumn('stratify', 'text')
        .addColumn('histories_json', 'text', (c) => c.notNull())
        .addColumn('result_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()

      await withId(kind, db.schema.createTable('app_user'))
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('audit_event')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('entity_type', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('audit_event_entity').on('audit_event').columns(['entity_type', 'entity_id']).execute()
      // Append-only by construction: the database itself refuses updates and deletes of audit
      // events. (Someone with file access can still drop the trigger; verification catches that.)
      if (kind === 'sqlite') {
        await sql`create trigger audit_event_no_update before update on audit_event begin select raise(abort, 'audit events are append-only'); end`.execute(db)
        await sql`create trigger audit_event_no_delete before delete on audit_event begin select raise(abort, 'audit events are append-only'); end`.execute(db)
      } else {
        await sql`create function audit_event_append_only() returns trigger language plpgsql as $$ begin raise exception 'audit events are append-only'; end $$`.execute(db)
        await sql`create trigger audit_event_no_change before update or delete on audit_event for each row execute function audit_event_append_only()`.execute(db)
      }
    },
  }
}

/**
 * Sign-in and protected fields: sessions and API tokens (stored as SHA-256 of the secret, never
 * the secret), lock-out counters, and the columns that hold sealed (AES-256-GCM) values.
 */
function security(kind: BackendKind): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('app_user').addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await db.schema.alterTable('app_user').addColumn('locked_until', 'text').execute()
      await db.schema.alterTable('app_user').addColumn('password_changed_at', 'text').execute()
      await db.schema.alterTable('source').addColumn('protected_data', 'text').execute()
      await db.schema.alterTable('person').addColumn('protected_data', 'text').execute()
      // A protected document keeps its text and original bytes sealed in these columns instead.
      await db.schema.alterTable('document').addColumn('protected', 'integer', (c) => c.notNull().defaultTo(0)).execute()
      await db.schema.alterTable('document').addColumn('protected_text', 'text').execute()
      await db.schema.alterTable('document').addColumn('protected_original', 'text').execute()
      await db.schema.alterTable('claim').addColumn('protected_quote', 'text').execute()

      await withId(kind, db.schema.createTable('app_session'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('app_session_user').on('app_session').column('user_id').execute()

      await withId(kind, db.schema.createTable('api_token'))
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('last_used_at', 'text')
        .execute()
    },
  }
}

/** Every migration, in order. Names sort in the order they apply. */
export function migrationsFor(kind: BackendKind): Record<string, Migration> {
  return {
    '0001_initial': initial(kind),
    '0002_security': security(kind),
  }
}

class StaticMigrations implements MigrationProvider {
  constructor(private readonly kind: BackendKind) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrationsFor(this.kind)
  }
}

/**
 * Brings a database to the latest schema. Safe to run on every start: applied migrations are
 * recorded and skipped. Throws with the failing migration's name.
 */
export async function migrateToLatest(db: AnyDb, kind: BackendKind): Promise<void> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; name the
  // current schema so that a database with Tally in several schemas migrates each on its own.
  const schema =
    kind === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined
  const migrator = new Migrator({ db, provider: new StaticMigrations(kind), ...(schema ? { migrationTableSchema: schema } : {}) })
  // Kysely runs SQLite migrations outside any transaction (its SQLite adapter claims no
  // transactional DDL), so a process killed during the first migration left tables behind
  // without the record of the migration, and the workspace could never be opened again
  // ("table source already exists"). SQLite's DDL is transactional: run the migrator inside
  // one transaction. The SQLite dialect has a single connection, so the migrator's statements
  // run inside it; IMMEDIATE also makes two processes opening a new file migrate one at a time.
  if (kind === 'sqlite') await sql`begin immediate`.execute(db)
  let outcome: Awaited<ReturnType<Migrator['migrateToLatest']>>
  try {
    outcome = await migrator.migrateToLatest()
    if (kind === 'sqlite') {
      if (outcome.error) await sql`rollback`.execute(db).catch(() => undefined)
      else await sql`commit`.execute(db)
    }
  } catch (e) {
    if (kind === 'sqlite') await sql`rollback`.execute(db).catch(() => undefined)
    throw e
  }
  const { error, results } = outcome
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    const message = error instanceof Error ? error.message : String(error)
    throw new Error(`migration ${failed} failed: ${message}`)
  }
}
