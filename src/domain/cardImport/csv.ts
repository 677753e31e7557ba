/**
 * CSV text (RFC 4180) to records of cells: fields separated by commas, records by CRLF, LF or CR; a
 * field in double quotes may hold commas, line breaks and quotes (doubled: `""`). A leading
 * UTF-8 byte order mark is dropped; blank lines are skipped. Spaces are kept as they are (the
 * caller trims what it reads).
 */
/** A record and the line of the file it starts on (1-based). */
export interface CsvRecord {
  line: number
  cells: string[]
}

export type CsvResult = { ok: true; records: CsvRecord[] } | { ok: false; line: number }

const BOM = '\ufeff'

/** Parses `text`; an unclosed quote, or a quote inside an unquoted field, fails with its line. */
export function parseCsv(text: string): CsvResult {
  const source = text.startsWith(BOM) ? text.slice(1) : text
  const records: CsvRecord[] = []
  let row: string[] = []
  let rowLine = 1
  let field = ''
  let quoted = false
  let afterQuote = false
  let line = 1
  let quoteLine = 1

  const endField = () => {
    row.push(field)
    field = ''
    afterQuote = false
  }
  const endRow = () => {
    endField()
    if (row.length > 1 || row[0] !== '') records.push({ line: rowLine, cells: row })
    row = []
  }

  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (quoted) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"'
          i++
        } else {
          quoted = false
          afterQuote = true
        }
      } else {
        if (c === '\n' || (c === '\r' && source[i + 1] !== '\n')) line++
        field += c
      }
    } else if (c === ',') {
      endField()
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++
      endRow()
      line++
      rowLine = line
    } else if (c === '"') {
      if (field !== '' || afterQuote) return { ok: false, line }
      quoted = true
      quoteLine = line
    } else {
      if (afterQuote) return { ok: false, line }
      field += c
    }
  }
  if (quoted) return { ok: false, line: quoteLine }
  endRow()
  return { ok: true, records }
}
