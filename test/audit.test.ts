// Tampering with the audit log underneath the application, on every backend.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { buildDemo, verifyAudit } from '../src/app/index.js'
import { testBackends } from './helpers/backends.js'

for (const backend of testBackends()) {
  describe(`audit chain on ${backend.name}`, () => {
    test('intact after the demo, broken at the first altered event after tampering', async () => {
      const store = await backend.open()
      try {
        await buildDemo({ store, actor: { name: 'demo', role: 'admin' as const } })
        const intact = await verifyAudit(store)
        assert.equal(intact.kind, 'intact')
        assert.ok(intact.kind === 'intact' && intact.events >= 30)
        // Someone with database access removes the protection and edits history.
        if (store.kind === 'sqlite') {
          await sql`drop trigger audit_event_no_update`.execute(store.db)
        } else {
          await sql`drop trigger audit_event_no_change on audit_event`.execute(store.db)
        }
        await store.db.updateTable('audit_event').set({ entity_id: '999' }).where('seq', '=', 12).execute()
        const broken = await verifyAudit(store)
        assert.equal(broken.kind, 'broken')
        assert.ok(broken.kind === 'broken' && broken.firstBad === 12 && broken.checked === 11)
      } finally {
        await store.close()
      }
    })
  })
}
