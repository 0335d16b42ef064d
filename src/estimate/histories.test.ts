import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EstimateInputError, countOf, historiesFromRows, historyText, parseHistories } from './index.js'

const header = ['A', 'B', 'C', 'count']

function inputError(fn: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof EstimateInputError, `expected EstimateInputError, got ${String(e)}`)
    assert.equal(e.code, code)
    assert.match(e.message, pattern)
    return true
  })
}

test('parseHistories reads list names from the header and counts per history', () => {
  const h = parseHistories({
    header: [' A', 'B ', 'count', 'C'],
    rows: [
      ['1', '1', '5', '0'],
      ['1', '0', '20', '1'],
      ['0', '1', ' 30 ', '0'],
      ['0', '0', '7', '1'],
    ],
  })
  assert.deepEqual(h.lists, ['A', 'B', 'C'])
  assert.equal(h.observed, 62)
  assert.equal(countOf(h, 0b011), 5)
  assert.equal(countOf(h, 0b101), 20)
  assert.equal(countOf(h, 0b100), 7)
  assert.equal(historyText(0b101, 3), '101')
})

test('a non-0/1 cell names its row and column', () => {
  inputError(() => parseHistories({ header, rows: [['1', '1', '0', '3'], ['1', '2', '1', '4']] }), 'not_binary', /^row 2, column 'B': '2' is not 0 or 1/)
  inputError(() => historiesFromRows(['A', 'B', 'C', 'D'], [{ history: '1021', count: 3 }]), 'not_binary', /^row 1: history '1021' is not 0\/1/)
})

test('negative, fractional and missing counts are rejected with their row', () => {
  inputError(() => parseHistories({ header, rows: [['1', '1', '0', '3'], ['0', '1', '1', '-2']] }), 'negative_count', /^row 2: count -2 is negative/)
  inputError(() => parseHistories({ header, rows: [['1', '1', '0', '2.5']] }), 'bad_count', /row 1: count 2.5 is not a whole number/)
  inputError(() => parseHistories({ header, rows: [['1', '1', '0', 'x']] }), 'bad_count', /row 1, column 'count': 'x' is not a number/)
})

test('one list only is refused', () => {
  inputError(() => parseHistories({ header: ['A', 'count'], rows: [['1', '10']] }), 'too_few_lists', /1 list given/)
})

test('the all-zero (unobserved) row must not be given', () => {
  inputError(() => parseHistories({ header, rows: [['1', '1', '0', '3'], ['0', '0', '0', '0']] }), 'unobserved_cell_given', /^row 2: history '000' is on no list/)
})

test('duplicate histories name both rows', () => {
  inputError(() => parseHistories({ header, rows: [['1', '1', '0', '3'], ['0', '1', '0', '3'], ['1', '1', '0', '4']] }), 'duplicate_history', /^row 3: history '110' already given in row 1/)
})

test('no overlap between lists is refused', () => {
  inputError(() => historiesFromRows(['A', 'B'], [{ history: '10', count: 30 }, { history: '01', count: 12 }]), 'no_overlap', /no one is on more than one list/)
})

test('a list that records no one, and a missing count column, are refused', () => {
  inputError(() => historiesFromRows(['A', 'B', 'C'], [{ history: '110', count: 3 }, { history: '100', count: 3 }]), 'empty_list', /list 'C': records no one/)
  inputError(() => parseHistories({ header: ['A', 'B'], rows: [] }), 'bad_header', /no 'count' column/)
  inputError(() => parseHistories({ header: ['A', 'A', 'count'], rows: [] }), 'bad_header', /'A' appears twice/)
  inputError(() => parseHistories({ header, rows: [['1', '1', '3']] }), 'bad_header', /row 1: has 3 cells/)
})

test('zero-count rows are accepted and dropped; histories are sorted canonically', () => {
  const a = historiesFromRows(['A', 'B'], [{ history: '01', count: 4 }, { history: '11', count: 2 }, { history: '10', count: 0 }])
  assert.deepEqual(Array.from(a.masks), [2, 3])
  assert.deepEqual(Array.from(a.counts), [4, 2])
  assert.equal(a.observed, 6)
})
