import { parseCsv } from '@/domain/cardImport/csv'
import { batchesOf, checkRows, maskCardNo, readCardFile, type ImportRow } from '@/domain/cardImport/model'

const cells = (text: string) => {
  const parsed = parseCsv(text)
  if (!parsed.ok) throw new Error(`unparsable at line ${parsed.line}`)
  return parsed.records.map((r) => r.cells)
}

describe('CSV parsing', () => {
  it('splits plain fields and records with LF, CRLF or CR endings', () => {
    expect(cells('a,b\n1,2\r\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ])
  })

  it('drops a UTF-8 byte order mark and a trailing line break, skips blank lines', () => {
    expect(cells('\ufeff卡号,姓名\n\n1,王芳\n')).toEqual([
      ['卡号', '姓名'],
      ['1', '王芳'],
    ])
  })

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    expect(cells('"a,b","say ""hi""","line1\nline2",""\nx,"",y,')).toEqual([
      ['a,b', 'say "hi"', 'line1\nline2', ''],
      ['x', '', 'y', ''],
    ])
  })

  it('numbers records by the line they start on', () => {
    const parsed = parseCsv('h\n"multi\nline"\nnext')
    expect(parsed.ok && parsed.records.map((r) => r.line)).toEqual([1, 2, 4])
  })

  it('refuses an unclosed quote and a quote in the middle of a field, naming the line', () => {
    expect(parseCsv('a,b\n1,"open\n2,3')).toEqual({ ok: false, line: 2 })
    expect(parseCsv('a,b\n1,ab"c')).toEqual({ ok: false, line: 2 })
    expect(parseCsv('a\n"x"y')).toEqual({ ok: false, line: 2 })
  })

  it('keeps empty trailing fields', () => {
    expect(cells('a,,\n')).toEqual([['a', '', '']])
  })
})

describe('reading a card file', () => {
  it('reads Chinese and English headers in any order', () => {
    const zh = readCardFile('\ufeff卡号,手机号,姓名,等级,期初积分\n6200000000000101,13700000101,王芳,VIP,100')
    const en = readCardFile(
      'Name,Phone,Card Number,Tier,Opening Points\n王芳,13700000101,6200000000000101,vip,100',
    )
    const row = { row: 2, cardNo: '6200000000000101', phone: '13700000101', name: '王芳', points: '100' }
    expect(zh).toEqual({ ok: true, rows: [{ ...row, tier: 'VIP' }], columnsOff: [] })
    expect(en).toEqual({ ok: true, rows: [{ ...row, tier: 'vip' }], columnsOff: [] })
  })

  it('refuses a missing or unknown header, an empty file and a broken quote', () => {
    expect(readCardFile('卡号,手机号,姓名,等级\n1,2,3,4')).toMatchObject({
      code: 'CARD_IMPORT_HEADER_INVALID',
    })
    expect(readCardFile('卡号,手机号,姓名,等级,期初积分,备注\n')).toMatchObject({
      code: 'CARD_IMPORT_HEADER_INVALID',
    })
    expect(readCardFile('卡号,卡号,姓名,等级,期初积分\n')).toMatchObject({
      code: 'CARD_IMPORT_HEADER_INVALID',
    })
    expect(readCardFile('')).toMatchObject({ code: 'CARD_IMPORT_EMPTY' })
    expect(readCardFile('卡号,手机号,姓名,等级,期初积分\n')).toMatchObject({ code: 'CARD_IMPORT_EMPTY' })
    expect(readCardFile('卡号,手机号,姓名,等级,期初积分\n"1,2')).toMatchObject({
      code: 'CARD_IMPORT_FILE_INVALID',
      line: 2,
    })
  })

  it('lists rows whose cell count differs from the header', () => {
    const read = readCardFile('卡号,手机号,姓名,等级,期初积分\n6200000000000101,13700000101,王芳\n')
    expect(read).toMatchObject({ ok: true, columnsOff: [2] })
  })
})

const good: ImportRow = {
  row: 2,
  cardNo: '6200000000000101',
  phone: '13700000101',
  name: '王芳',
  tier: '普通',
  points: '100',
}

describe('checking rows', () => {
  it.each([
    ['a card number that is not 10-16 digits', { cardNo: '62000' }, 'CARD_NO_INVALID'],
    ['letters in the card number', { cardNo: '62000000000001AB' }, 'CARD_NO_INVALID'],
    ['a bad phone', { phone: '12345' }, 'PHONE_INVALID'],
    ['no phone', { phone: ' ' }, 'PHONE_REQUIRED'],
    ['no name', { name: '' }, 'NAME_REQUIRED'],
    ['a bad name', { name: '王' }, 'NAME_INVALID'],
    ['an unknown tier', { tier: '钻石' }, 'CARD_IMPORT_TIER_INVALID'],
    ['negative points', { points: '-5' }, 'CARD_IMPORT_POINTS_INVALID'],
    ['fractional points', { points: '1.5' }, 'CARD_IMPORT_POINTS_INVALID'],
    ['points in words', { points: '一百' }, 'CARD_IMPORT_POINTS_INVALID'],
    ['too many points', { points: '100000001' }, 'CARD_IMPORT_POINTS_INVALID'],
    ['an overlong cell', { name: '王'.repeat(65) }, 'FIELD_TOO_LONG'],
  ])('refuses %s', (_what, change, code) => {
    const { cards, problems } = checkRows([{ ...good, ...change }])
    expect(cards).toEqual([])
    expect(problems).toEqual([{ row: 2, cardNo: expect.any(String), code, message: expect.any(String) }])
    expect(problems[0].message).toMatch(/[\u4e00-\u9fa5]/)
  })

  it('normalises what it accepts: card number spacing, tier names, empty points as 0', () => {
    const { cards } = checkRows([{ ...good, cardNo: ' 6200 0000-0000 0101 ', tier: 'VVIP', points: '' }])
    expect(cards).toEqual([
      { row: 2, cardNo: '6200000000000101', phone: '13700000101', name: '王芳', tier: 'vvip', points: 0 },
    ])
  })

  it('refuses every repeat of a card number after the first, and rows with the wrong cell count', () => {
    const { cards, problems } = checkRows(
      [
        good,
        { ...good, row: 3, cardNo: '6200-0000-0000-0101' },
        { ...good, row: 4, cardNo: '6200000000000102' },
      ],
      [4],
    )
    expect(cards.map((c) => c.row)).toEqual([2])
    expect(problems.map((p) => [p.row, p.code])).toEqual([
      [3, 'CARD_IMPORT_DUPLICATE'],
      [4, 'CARD_IMPORT_COLUMNS'],
    ])
  })

  it('masks card numbers in problems', () => {
    expect(maskCardNo('6200000000000101')).toBe('6200********0101')
    expect(maskCardNo('123')).toBe('***')
    expect(checkRows([{ ...good, phone: 'x' }]).problems[0].cardNo).toBe('6200********0101')
  })

  it('cuts rows into batches in order', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
  })
})
