import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ACTIONS, ALL_ROLES, CLEARANCE, GRANTS, RESOURCES, authorize, can } from './permissions.js'

test('default deny: an unlisted permission is refused, with a message naming role, action and resource', () => {
  assert.equal(can('viewer', 'read', 'source'), false)
  assert.throws(() => authorize('analyst', 'write', 'person'), /analyst role may not write person/)
})

test('only admins manage users and tokens', () => {
  for (const role of ALL_ROLES) {
    assert.equal(can(role, 'manage', 'user'), role === 'admin', role)
    assert.equal(can(role, 'manage', 'token'), role === 'admin', role)
  }
})

test('roles without clearance cannot write records that carry protected fields', () => {
  for (const role of ALL_ROLES) {
    if (CLEARANCE[role]) continue
    for (const r of ['source', 'document', 'person', 'claim'] as const) assert.equal(can(role, 'write', r), false, `${role} ${r}`)
  }
})

test('the viewer sees aggregates and published incidents only', () => {
  const granted = RESOURCES.flatMap((r) => ACTIONS.filter((a) => can('viewer', a, r)).map((a) => `${r}:${a}`))
  assert.deepEqual(granted.sort(), ['estimate:read', 'incident:read', 'report:read', 'stats:read'])
  assert.equal(GRANTS.viewer.size, 4)
})
