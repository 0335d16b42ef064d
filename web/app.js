// The demo's page: talks only to the HTTP API. Text is inserted with textContent, never as HTML.
// Signed in by an HttpOnly session cookie the page never sees; changes would carry the CSRF token
// the sign-in returns, kept in memory only.
let csrfToken = null

const api = (path) =>
  fetch(`/api/v1${path}`, { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${path}: ${r.status}`))))

async function send(method, path, body) {
  const headers = body === undefined ? {} : { 'content-type': 'application/json' }
  if (csrfToken) headers['x-csrf-token'] = csrfToken
  const r = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) })
  const answer = r.status === 204 ? null : await r.json()
  if (!r.ok) throw new Error(answer?.detail ?? `${path}: ${r.status}`)
  return answer
}

function el(tag, text, className) {
  const e = document.createElement(tag)
  if (text !== undefined) e.textContent = text
  if (className) e.className = className
  return e
}

function gradeBadge(grade) {
  return el('span', grade, `grade grade-${grade}`)
}

async function showStats() {
  const [incidents, victims] = await Promise.all([api('/stats?unit=incidents&by=grade'), api('/stats?unit=victims&by=grade')])
  const body = document.querySelector('#stats tbody')
  const byKey = new Map(victims.groups.map((g) => [g.key, g.all]))
  const shown = (n) => (n === null || n === undefined ? 'fewer than 3' : String(n))
  for (const g of incidents.groups) {
    const tr = el('tr')
    const td = el('td')
    td.append(gradeBadge(g.key))
    tr.append(td, el('td', shown(g.all)), el('td', shown(byKey.has(g.key) ? byKey.get(g.key) : 0)))
    body.append(tr)
  }
  const total = el('tr')
  total.append(el('td', 'documented / reported'), el('td', `${incidents.totals.documented} / ${incidents.totals.reported}`), el('td', `${victims.totals.documented} / ${victims.totals.reported}`))
  body.append(total)
}

async function showIncident(id) {
  const detail = await api(`/incidents/${id}`)
  // The public (viewer) sees the incident and its grade, not the claims and sources behind it.
  const [claims, sources] = detail.grading
    ? await Promise.all([api(`/claims?incidentId=${id}&limit=200`), api('/sources?limit=500')])
    : [{ items: [] }, { items: [] }]
  const names = new Map(sources.items.map((s) => [s.id, `${s.name} (${s.kind}, reliability ${s.reliability})`]))
  document.querySelector('#detail').hidden = false
  document.querySelector('#detail-title').textContent = detail.incident.title
  const grade = document.querySelector('#detail-grade')
  grade.replaceChildren(gradeBadge(detail.incident.grade), document.createTextNode(detail.grading ? ` ${detail.grading.reason}` : ''))
  const list = document.querySelector('#detail-claims')
  list.replaceChildren()
  for (const c of claims.items) {
    const li = el('li')
    const value = typeof c.assertion.value === 'object' ? JSON.stringify(c.assertion.value) : c.assertion.value
    li.append(el('strong', `${c.assertion.field}: ${value}`), document.createTextNode(` — ${names.get(c.sourceId) ?? `source ${c.sourceId}`}, credibility ${c.credibility}, ${c.status}`))
    li.append(c.quoteWithheld ? el('p', 'quote withheld: protected testimony', 'hint') : el('blockquote', c.quote))
    list.append(li)
  }
}

async function showIncidents() {
  const page = await api('/incidents?limit=100')
  const list = document.querySelector('#incidents')
  for (const i of page.items) {
    const li = el('li')
    const b = el('button', i.title, 'link')
    b.addEventListener('click', () => showIncident(i.id))
    li.append(gradeBadge(i.grade), document.createTextNode(' '), b, document.createTextNode(` — ${i.date ?? 'date unknown'}, ${i.place?.name ?? 'place unknown'}`))
    list.append(li)
  }
}

async function showThree() {
  const r = await api('/report')
  const dl = document.querySelector('#three')
  const fmt = (n) => Math.round(n).toLocaleString('en')
  const add = (term, value) => dl.append(el('dt', term), el('dd', value))
  add('Documented', `${fmt(r.victims.documented)} victims in incidents graded confirmed or fair`)
  add('Reported', `${fmt(r.victims.reported)} victims in incidents not discounted`)
  if (r.listed) add('On the lists', `${fmt(r.listed.persons)} persons after linking the casualty lists`)
  if (r.estimated) {
    add('Estimated', `${fmt(r.estimated.estimate)} in all (${Math.round(r.estimated.level * 100)}% interval ${fmt(r.estimated.interval[0])} – ${fmt(r.estimated.interval[1])}, ${r.estimated.method})`)
  }
}

function showWorkspace(session) {
  csrfToken = session.csrfToken ?? null
  document.querySelector('#who').textContent = `${session.username ?? session.token} (${session.role})`
  document.querySelector('#sign-out').hidden = false
  document.querySelector('#sign-in').hidden = true
  document.querySelector('#main').hidden = false
  showThree().catch((e) => console.error(e))
  showStats().catch((e) => console.error(e))
  showIncidents().catch((e) => console.error(e))
}

function showSignIn() {
  document.querySelector('#main').hidden = true
  document.querySelector('#sign-out').hidden = true
  document.querySelector('#who').textContent = ''
  document.querySelector('#sign-in').hidden = false
}

document.querySelector('#sign-in').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = new FormData(event.target)
  const error = document.querySelector('#sign-in-error')
  error.textContent = ''
  try {
    const signed = await send('POST', '/session', { username: form.get('username'), password: form.get('password') })
    event.target.reset()
    showWorkspace({ ...signed, username: signed.user.username, role: signed.user.role })
  } catch (e) {
    error.textContent = e.message
  }
})

document.querySelector('#sign-out').addEventListener('click', async () => {
  await send('DELETE', '/session').catch(() => undefined)
  csrfToken = null
  window.location.reload()
})

api('/session').then(showWorkspace, showSignIn)
