import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { ListRecordInput } from '../../domain/index.js'
import { readList, sniffEncoding, type ListRow } from '../index.js'

async function collect(source: string | Readable, map: string[] = []): Promise<ListRow[]> {
  const out: ListRow[] = []
  for await (const row of readList(source, { map })) out.push(row)
  return out
}

// Small chunks so rows straddle chunk boundaries, as they do in a real file stream.
const chunked = (bytes: Buffer, size = 7): Readable => {
  const parts: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size))
  return Readable.from(parts)
}

const records = (rows: ListRow[]): ListRecordInput[] => rows.flatMap((r) => (r.kind === 'record' ? [r.record] : []))
const errors = (rows: ListRow[]): Array<Extract<ListRow, { kind: 'error' }>> => rows.flatMap((r) => (r.kind === 'error' ? [r] : []))

test('malformed CSV: bad quoting and ragged rows become per-row errors; good rows continue in order', async () => {
  const csv = [
    'id,name,sex,age,date of death,place',
    '1,Ali Hassan,M,about 20,25/12/2014,Homs',
    '2,"Bad "quote" here",F,20,2014,Aleppo',
    '3,Sara Ahmad,F,20-25,décembre 2014,Idlib',
    '4,Too,Many,1,2014,Raqqa,extra',
    '5,Short,M',
    '6,Omar,M,old,2014,Deir ez-Zor',
    '7,"Multi',
    'line",M,30,2015-01-02,Hama',
    '8,Last One,F,44,2015,Daraa',
  ].join('\r\n')
  const rows = await collect(chunked(Buffer.from(csv, 'utf8')))
  assert.equal(rows[0]?.kind, 'header')
  const good = records(rows)
  assert.deepEqual(good.map((r) => r.recordKey), ['1', '3', '7', '8'])
  for (const r of good) assert.ok(ListRecordInput.safeParse(r).success)
  assert.deepEqual(good[0], {
    rowNumber: 1,
    raw: { id: '1', name: 'Ali Hassan', sex: 'M', age: 'about 20', 'date of death': '25/12/2014', place: 'Homs' },
    recordKey: '1',
    fullName: 'Ali Hassan',
    sex: 'male',
    ageMin: 18,
    ageMax: 22,
    dateOfDeath: '2014-12-25',
    place: 'Homs',
  })
  assert.equal(good[1]?.dateOfDeath, '2014-12')
  assert.equal(good[2]?.fullName, 'Multi line')
  const multi = rows.find((r) => r.kind === 'record' && r.record.recordKey === '7')
  assert.equal(multi?.kind === 'record' ? multi.line : null, 9)
  const errs = errors(rows)
  assert.deepEqual(errs.map((e) => [e.line, e.rowNumber]), [[3, 2], [5, 4], [6, 5], [7, 6]])
  assert.match(errs[0]?.message ?? '', /quote/i)
  assert.match(errs[1]?.message ?? '', /7 fields, the header has 6/)
  assert.match(errs[2]?.message ?? '', /3 fields/)
  assert.equal(errs[3]?.column, 'age')
  assert.match(errs[3]?.message ?? '', /cannot read age "old"/)
  // Row numbers count every data row, good or bad, so they name rows of the file.
  assert.deepEqual(good.map((r) => r.rowNumber), [1, 3, 7, 8])
})

test('Windows-1256 Arabic bytes (not UTF-8) are detected and decoded', async () => {
  const csv = 'الرقم,الاسم,الجنس,العمر,تاريخ الوفاة,المكان\n1,محمد علي,ذكر,20,25 كانون الأول 2014,حلب\n2,فاطمة حسن,أنثى,حوالي 30,2015-03,حمص\n'
  const bytes = iconv.encode(csv, 'windows-1256')
  assert.notDeepEqual(bytes, Buffer.from(csv, 'utf8'))
  assert.equal(sniffEncoding(bytes).encoding, 'windows-1256')
  const rows = await collect(chunked(bytes, 5))
  const header = rows[0]
  assert.ok(header?.kind === 'header')
  assert.equal(header.encoding, 'windows-1256')
  assert.deepEqual(records(rows).map((r) => [r.fullName, r.sex, r.ageMin, r.ageMax, r.dateOfDeath, r.place]), [
    ['محمد علي', 'male', 20, 20, '2014-12-25', 'حلب'],
    ['فاطمة حسن', 'female', 27, 33, '2015-03', 'حمص'],
  ])
})

test('Latin-1 French bytes are told from Windows-1256 by their shape', async () => {
  const csv = 'Nom,Prénom,Sexe,Âge,Date du décès,Lieu\nDupré,Hélène,F,34,12 février 2013,Alep\n'
  const bytes = iconv.encode(csv, 'latin1')
  assert.equal(sniffEncoding(bytes).encoding, 'latin1')
  const rec = records(await collect(Readable.from([bytes])))[0]
  assert.deepEqual([rec?.familyName, rec?.givenName, rec?.fullName, rec?.dateOfDeath], ['Dupré', 'Hélène', 'Hélène Dupré', '2013-02-12'])
})

test('BOMs: UTF-8 with BOM and UTF-16 LE/BE with BOM; the BOM never reaches the first header', async () => {
  const csv = 'name;age\nAli;20\n'
  const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv, 'utf8')])
  for (const bytes of [withBom, iconv.encode(csv, 'utf-16le', { addBOM: true }), iconv.encode(csv, 'utf-16be', { addBOM: true })]) {
    const rows = await collect(chunked(bytes, 3))
    const header = rows[0]
    assert.ok(header?.kind === 'header')
    assert.deepEqual(header.columns, ['name', 'age'])
    assert.deepEqual(records(rows).map((r) => [r.fullName, r.ageMin]), [['Ali', 20]])
  }
})

test('JSON array and JSON lines, from a file path, streamed; bad lines are errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-intake-'))
  try {
    const arr = join(dir, 'list.json')
    writeFileSync(arr, JSON.stringify([{ nom: 'Ali', âge: 20, lieu: 'Homs {x}' }, { nom: 'Sara "S"', âge: '20-25', date: '2014' }], null, 2))
    const a = await collect(arr)
    assert.deepEqual(records(a).map((r) => [r.fullName, r.ageMin, r.ageMax, r.place, r.dateOfDeath]), [
      ['Ali', 20, 20, 'Homs {x}', undefined],
      ['Sara "S"', 20, 25, undefined, '2014'],
    ])
    const lines = join(dir, 'list.jsonl')
    writeFileSync(lines, '{"name":"A","sex":"m"}\n{"name":"B","sex":"f","age":"x"}\n[1,2]\n{"name":"C"}\n')
    const b = await collect(lines)
    assert.deepEqual(records(b).map((r) => r.fullName), ['A', 'C'])
    assert.deepEqual(errors(b).map((e) => [e.line, e.rowNumber, e.column]), [[2, 2, 'age'], [3, 3, null]])
    assert.deepEqual(records(b).map((r) => r.rowNumber), [1, 4])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('column overrides apply to CSV', async () => {
  const rows = await collect(Readable.from([Buffer.from('victim,when\nAli,2014-01-02\n')]), ['victim=fullName', 'when=dateOfDeath'])
  assert.deepEqual(records(rows).map((r) => [r.fullName, r.dateOfDeath]), [['Ali', '2014-01-02']])
})

test('an empty file gives just a header; a missing file is a bad_input error', async () => {
  const rows = await collect(Readable.from([Buffer.alloc(0)]))
  assert.deepEqual(rows.map((r) => r.kind), ['header'])
  await assert.rejects(collect(join(tmpdir(), 'tally-no-such-list.csv')), (e: Error & { code?: string }) => e.code === 'bad_input' && /cannot read/.test(e.message))
})

test('stopping early closes the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-intake-'))
  try {
    const path = join(dir, 'big.csv')
    writeFileSync(path, 'name,age\n' + 'Ali,20\n'.repeat(200_000))
    let n = 0
    for await (const row of readList(path)) {
      if (row.kind === 'record' && ++n === 10) break
    }
    assert.equal(n, 10)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const open = readdirSync('/proc/self/fd').some((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === path
      } catch {
        return false
      }
    })
    assert.equal(open, false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a read error in the middle of the input reaches the consumer instead of hanging it', async () => {
  // Past the 64 KiB the encoding sniffer reads first, and within it.
  const utf8 = Buffer.from('name,age\n' + 'Ali,20\n'.repeat(20_000))
  const cp1256 = iconv.encode('الاسم,العمر\n' + 'علي,20\n'.repeat(20_000), 'windows-1256')
  for (const bytes of [utf8, cp1256, utf8.subarray(0, 1000)]) {
    let sent = 0
    const failing = new Readable({
      read() {
        if (sent++ === 0) this.push(bytes)
        else this.destroy(new Error('disk went away'))
      },
    })
    await assert.rejects(collect(failing), /disk went away/)
  }
})
