// Sign-in with a password: the session cookie's attributes, CSRF on changes, lock-out after
// failed attempts, the per-address limit on sign-in, sign-out, disabled users and revoked tokens.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, revokeApiToken, setUserDisabled, LOCKOUT_AFTER } from '../src/app/index.js'
import { buildServer, type TallyServer } from '../src/server/index.js'
import type { Store } from '../src/store/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'

const ADMIN = { name: 'test-setup', role: 'admin' as const }

function cookieOf(setCookie: string | string[] | undefined): { value: string; attributes: string } {
  const line = [setCookie ?? []].flat()[0] ?? ''
  const m = /^tally_session=([^;]*);(.*)$/.exec(line)
  assert.ok(m, `no session cookie in ${line}`)
  return { value: m[1]!, attributes: m[2]! }
}

for (const backend of testBackends()) {
  describe(`sign-in on ${backend.name}`, () => {
    let store: Store
    let server: TallyServer
    let password: string
    before(async () => {
      store = await backend.open()
      server = await buildServer({ store })
      password = (await createUser({ store, actor: ADMIN }, { username: 'amina', role: 'documenter' })).generatedPassword!
      await createUser({ store, actor: ADMIN }, { username: 'karim', role: 'reviewer', password: 'correct horse battery staple' })
    })
    after(async () => {
      await server.close()
      await store.close()
    })

    // Each attempt from its own address, so that the per-address limit is tested on its own below.
    let address = 0
    const signIn = (username: string, pw: string, from = `10.0.${(address >> 8) & 255}.${address++ & 255}`) =>
      server.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password: pw }, remoteAddress: from })

    test('a session cookie is HttpOnly and SameSite=Strict, and changes need its CSRF token', async () => {
      const r = await signIn('amina', password)
      assert.equal(r.statusCode, 201, r.body)
      const { value, attributes } = cookieOf(r.headers['set-cookie'])
      assert.match(attributes, /HttpOnly/)
      assert.match(attributes, /SameSite=Strict/)
      assert.doesNotMatch(attributes, /Secure/, 'plain HTTP: not Secure (TLS sets it)')
      const body = r.json() as { csrfToken: string; user: { username: string; role: string } }
      assert.equal(body.user.role, 'documenter')
      assert.ok(!r.body.includes(value), 'the session secret is never in a body')

      const cookie = { cookie: `tally_session=${value}` }
      const me = await server.inject({ method: 'GET', url: '/api/v1/session', headers: cookie })
      assert.equal(me.statusCode, 200)
      assert.equal(me.json().username, 'amina')

      const source = { kind: 'media', name: 'CSRF test outlet', reliability: 'C' }
      const forged = await server.inject({ method: 'POST', url: '/api/v1/sources', headers: cookie, payload: source })
      assert.equal(forged.statusCode, 403, 'a change without the CSRF token is refused')
      const wrong = await server.inject({ method: 'POST', url: '/api/v1/sources', headers: { ...cookie, 'x-csrf-token': 'x'.repeat(43) }, payload: source })
      assert.equal(wrong.statusCode, 403)
      const made = await server.inject({ method: 'POST', url: '/api/v1/sources', headers: { ...cookie, 'x-csrf-token': body.csrfToken }, payload: source })
      assert.equal(made.statusCode, 201, made.body)
      const trail = await store.audit.trailOf('source', made.json().id)
      assert.equal(trail[0]?.actor, 'amina', 'the change is audited under the signed-in user')

      const out = await server.inject({ method: 'DELETE', url: '/api/v1/session', headers: { ...cookie, 'x-csrf-token': body.csrfToken } })
      assert.equal(out.statusCode, 204)
      assert.equal((await server.inject({ method: 'GET', url: '/api/v1/session', headers: cookie })).statusCode, 401, 'signed out means signed out')
    })

    test('unknown users and wrong passwords get the same answer', async () => {
      const unknown = await signIn('nobody', 'whatever-password')
      const wrong = await signIn('karim', 'not the password')
      assert.equal(unknown.statusCode, 401)
      assert.equal(wrong.statusCode, 401)
      assert.equal(unknown.json().detail, wrong.json().detail)
    })

    test(`${LOCKOUT_AFTER} failures in a row lock the account, even against the right password, and the lock is audited`, async () => {
      await createUser({ store, actor: ADMIN }, { username: 'locked-out', role: 'viewer', password: 'the right password!' })
      for (let i = 0; i < LOCKOUT_AFTER; i++) assert.equal((await signIn('locked-out', `wrong ${i}`)).statusCode, 401)
      const r = await signIn('locked-out', 'the right password!')
      assert.equal(r.statusCode, 429)
      const user = await store.users.byName('locked-out')
      const trail = await store.audit.trailOf('user', user!.id)
      assert.ok(trail.some((e) => e.action === 'user.locked'), trail.map((e) => e.action).join(','))
    })

    test('a disabled user is signed out at once; a revoked token stops working', async () => {
      const r = await signIn('karim', 'correct horse battery staple')
      const cookie = { cookie: `tally_session=${cookieOf(r.headers['set-cookie']).value}` }
      assert.equal((await server.inject({ method: 'GET', url: '/api/v1/incidents', headers: cookie })).statusCode, 200)
      await setUserDisabled({ store, actor: ADMIN }, 'karim', true)
      assert.equal((await server.inject({ method: 'GET', url: '/api/v1/incidents', headers: cookie })).statusCode, 401)
      assert.equal((await signIn('karim', 'correct horse battery staple')).statusCode, 401)

      const token = await tokenFor(store, 'analyst')
      assert.equal((await server.inject({ method: 'GET', url: '/api/v1/incidents', headers: bearer(token) })).statusCode, 200)
      const name = (await store.users.tokens()).at(-1)!.name
      await revokeApiToken({ store, actor: ADMIN }, name)
      assert.equal((await server.inject({ method: 'GET', url: '/api/v1/incidents', headers: bearer(token) })).statusCode, 401)
      const stored = JSON.stringify(await store.users.tokens())
      assert.ok(!stored.includes(token.slice(6)), 'tokens are stored hashed')
    })

    test('a malformed Authorization header is refused, not ignored', async () => {
      const r = await server.inject({ method: 'GET', url: '/api/v1/incidents', headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } })
      assert.equal(r.statusCode, 401)
    })

    test('sign-in attempts from one address are limited per minute', async () => {
      let limited = 0
      for (let i = 0; i < 15; i++) if ((await signIn(`ghost${i}`, 'nope nope nope', '192.0.2.7')).statusCode === 429) limited++
      assert.equal(limited, 5, 'attempts after the 10th within a minute are refused')
      assert.equal((await signIn('ghost', 'nope nope nope', '192.0.2.8')).statusCode, 401, 'another address is not affected')
    })

    test('security headers are set and errors carry no stack', async () => {
      const r = await server.inject({ method: 'GET', url: '/' })
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/)
      assert.equal(r.headers['x-content-type-options'], 'nosniff')
      assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN')
      const docs = await server.inject({ method: 'GET', url: '/api/docs/' })
      assert.ok(docs.statusCode < 400, `API docs still load under the CSP: ${docs.statusCode}`)
      const big = await server.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'x', password: 'y'.repeat(11 * 1024 * 1024) } })
      assert.equal(big.statusCode, 413)
      assert.doesNotMatch(big.body, /at .*\.js:\d+/)
    })
  })
}
