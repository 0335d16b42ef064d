// The web page in a real browser (Debian's Chromium through playwright-core): sign in, read the
// three numbers and a contested case with its sources and quotes, see a wrong password refused,
// and sign out. The session cookie must be invisible to the page's scripts, and the page must
// run under its Content-Security-Policy without violations.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildDemo, createUser, openSealer } from '../src/app/index.js'
import { createKeyFile } from '../src/security/index.js'
import { buildServer, type TallyServer } from '../src/server/index.js'
import { openStore, type Store } from '../src/store/index.js'

const CHROMIUM = process.env.TALLY_CHROMIUM ?? '/usr/bin/chromium'
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const PASSWORD = 'browser test password 2014'

describe('the web page in Chromium', () => {
  let store: Store
  let server: TallyServer
  let browser: Browser
  let base: string
  const problems: string[] = []

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set TALLY_CHROMIUM)`)
    const dir = mkdtempSync(join(tmpdir(), 'tally-browser-'))
    createKeyFile(join(dir, 'tally.key'))
    store = await openStore(join(dir, 'tally.db'))
    const ctx = { store, actor: { name: 'demo', role: 'admin' as const }, sealer: openSealer(join(dir, 'tally.key')) }
    await buildDemo(ctx)
    await createUser(ctx, { username: 'amina', role: 'reviewer', password: PASSWORD })
    server = await buildServer({ store, sealer: ctx.sealer })
    await server.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    await store?.close()
  })

  async function open(): Promise<Page> {
    const page = await browser.newPage()
    page.on('console', (m) => {
      if (m.type() === 'error' && !/401/.test(m.text())) problems.push(m.text())
    })
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto(base)
    return page
  }

  test('a wrong password is refused with a message, and nothing is shown', async () => {
    const page = await open()
    await page.waitForSelector('#sign-in:not([hidden])')
    await page.fill('input[name=username]', 'amina')
    await page.fill('input[name=password]', 'not the password')
    await page.click('#sign-in button[type=submit]')
    await page.waitForSelector('#sign-in-error:not(:empty)')
    assert.match((await page.textContent('#sign-in-error')) ?? '', /wrong username or password/)
    assert.equal(await page.isHidden('#main'), true)
    await page.close()
  })

  test('sign in, read the numbers and the contested case, sign out', async () => {
    const page = await open()
    await page.waitForSelector('#sign-in:not([hidden])')
    await page.fill('input[name=username]', 'amina')
    await page.fill('input[name=password]', PASSWORD)
    await page.click('#sign-in button[type=submit]')
    await page.waitForSelector('#three dt')
    assert.match((await page.textContent('#who')) ?? '', /amina \(reviewer\)/)
    assert.match((await page.textContent('#three')) ?? '', /Documented\s*120 victims/)
    // The session cookie is HttpOnly: the page's scripts cannot read it.
    assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie), '')

    await page.waitForSelector('#incidents li button')
    assert.equal(await page.locator('#incidents li').count(), 4)
    await page.locator('#incidents li button', { hasText: 'Casablanca' }).click()
    await page.waitForSelector('#detail-claims li')
    assert.match((await page.textContent('#detail-grade')) ?? '', /contested/)
    const claims = (await page.textContent('#detail-claims')) ?? ''
    assert.match(claims, /ISIS just liquidated him/)
    assert.match(claims, /killed in battle/)

    await page.click('#sign-out')
    await page.waitForSelector('#sign-in:not([hidden])')
    const after = await page.evaluate(async () => (await fetch('/api/v1/report')).status)
    assert.equal(after, 401, 'signed out means the API refuses')
    await page.close()
    assert.deepEqual(problems, [], 'no script errors and no CSP violations')
  })
})
