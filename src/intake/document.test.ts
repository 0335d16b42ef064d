import { test } from 'node:test'
import assert from 'node:assert/strict'
import { cleanHtml, cleanText, detectLanguage, readByline, readDateLine, readDocument, toOriginalOffset } from './index.js'

test('cleanText drops share bars, author boxes, comment notices and repeated lines, and maps offsets back', () => {
  const input = 'Title here\r\n\r\nFacebook Twitter Google+ +\n\nA caption line.\nA caption line.\n\nBody   text about Homs.\nShare.\nAbout Author\nComments are closed.\n'
  const doc = cleanText(input)
  assert.equal(doc.text, 'Title here\n\nA caption line.\n\nBody   text about Homs.')
  assert.deepEqual(doc.removed.map((r) => [r.text, r.reason]), [
    ['Facebook Twitter Google+ +', 'boilerplate'],
    ['A caption line.', 'duplicate'],
    ['Share.', 'boilerplate'],
    ['About Author', 'boilerplate'],
    ['Comments are closed.', 'boilerplate'],
  ])
  const at = doc.text.indexOf('Homs')
  const normalised = input.replace(/\r\n?/g, '\n')
  assert.equal(normalised.slice(toOriginalOffset(doc, at) ?? -1, (toOriginalOffset(doc, at) ?? -1) + 4), 'Homs')
})

test('a line repeated far apart is kept: only nearby repeats are captions printed twice', () => {
  const lines = ['Refrain line.', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'Refrain line.']
  const doc = cleanText(lines.join('\n'))
  assert.equal(doc.text.split('Refrain line.').length - 1, 2)
})

test('date lines: with and without a year; weekday candidates reported, not chosen', () => {
  assert.equal(readDateLine('25 décembre 2014')?.edtf, '2014-12-25')
  assert.equal(readDateLine('الخميس ٢٥ ديسمبر ٢٠١٤')?.edtf, '2014-12-25')
  const noYear = readDateLine('Wednesday, December 25')
  assert.equal(noYear?.edtf, 'XXXX-12-25')
  assert.match(noYear?.note ?? '', /2013/)
  assert.match(readDateLine('Wednesday, December 25, 2014')?.note ?? '', /does not match/)
  assert.equal(readDateLine('ISIS Kills Fleeing Fighters'), null)
})

test('bylines in English, French and Arabic', () => {
  assert.deepEqual(readByline('Analysis by Mawassi Lahcen in Casablanca for Magharebia'), { author: 'Mawassi Lahcen', dateline: 'Casablanca', outlet: 'Magharebia' })
  assert.equal(readByline('Par Jeanne Dupont')?.author, 'Jeanne Dupont')
  assert.equal(readByline('بقلم محمد العلي')?.author, 'محمد العلي')
  assert.equal(readByline('The father says he was killed by the group in battle and many other words here'), null)
})

test('language detection: en, fr, ar', () => {
  assert.equal(detectLanguage('The father says that his son was killed in Syria by the group.').language, 'en')
  assert.equal(detectLanguage("Le père dit que son fils a été tué en Syrie par le groupe.").language, 'fr')
  assert.equal(detectLanguage('قال الأب إن ابنه قتل في سوريا').language, 'ar')
  assert.equal(detectLanguage('12345 ...').language, 'und')
})

test('HTML: readability finds the article; navigation, share widgets and footers are left out', () => {
  const para = 'The father says his son was killed in Syria because he wanted to return home to Morocco. '
  const html = `<!doctype html><html><head><title>ISIS Kills Fleeing Fighters | Site</title><meta property="article:published_time" content="2014-12-24T10:00:00Z"></head>
  <body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
  <div class="share"><a>Facebook</a> <a>Twitter</a></div>
  <article><h1>ISIS Kills Fleeing Fighters</h1><p class="byline">By Mawassi Lahcen</p>
  <p>${para.repeat(4)}</p><figure><img src="x.jpg"><figcaption>Maghreb youths are the latest deserters.</figcaption></figure>
  <p>Maghreb youths are the latest deserters.</p><p>${para.repeat(3)}</p><p>Share.</p></article>
  <footer>Comments are closed. Copyright 2014</footer></body></html>`
  const doc = readDocument(html)
  assert.ok(doc.text.includes('The father says his son was killed in Syria'))
  assert.ok(!doc.text.includes('Home'))
  assert.ok(!doc.text.includes('Comments are closed'))
  assert.ok(!/^Share\.$/m.test(doc.text))
  assert.equal(doc.text.split('Maghreb youths are the latest deserters.').length - 1, 1)
  assert.equal(doc.author, 'Mawassi Lahcen')
  assert.equal(doc.publishedDate?.edtf, '2014-12-24')
  assert.equal(doc.language.language, 'en')
  assert.equal(cleanHtml(html).text, doc.text)
})
