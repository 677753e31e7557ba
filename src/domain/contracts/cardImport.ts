/**
 * Importing pre-issued service-desk cards (4.2.2.1), part of the `staff` contract: a manager
 * (their own stores) or an admin sends the rows of a CSV file in batches, first to a dry run
 * that writes nothing, then to the import. Each row is checked again by the function; a row is
 * imported once, keyed by its card number, so a batch sent again imports nothing twice.
 */
import type { RowProblem } from '../cardImport/model'
import { CELL_MAX, IMPORT_BATCH_ROWS } from '../cardImport/model'
import { fail, ok } from '../errors'
import { int, listOf, object, required, schema, type Field } from '../input'
import { action } from './contract'

/** A raw cell of the file: any text up to CELL_MAX characters, absent as empty (rows are checked one by one). */
const cell = (): Field<string> => ({
  maxLength: CELL_MAX,
  parse(raw, field) {
    if (raw === undefined || raw === null) return ok('')
    return typeof raw === 'string' && raw.length <= CELL_MAX ? ok(raw) : fail('INVALID_ARGUMENT', field)
  },
})

/** A file has fewer lines than this. */
const ROW_MAX = 10_000_000

const batch = schema({
  storeId: required(64, 'STORE_UNKNOWN'),
  rows: listOf(
    object(
      schema({
        row: int(1, ROW_MAX),
        cardNo: cell(),
        phone: cell(),
        name: cell(),
        tier: cell(),
        points: cell(),
      }),
    ),
    IMPORT_BATCH_ROWS,
  ),
})

/** What a batch answers: rows ready (dry run) or imported, rows imported before, row problems. */
export interface CardImportResult {
  rows: number
  /** Dry run: rows that would be imported; import: rows imported by this call. */
  imported: number
  /** Rows whose card exists already as this file describes it (a batch sent again). */
  alreadyImported: number
  problems: RowProblem[]
}

export const cardImportContract = {
  dryRunCardImport: action<CardImportResult>()({
    input: batch,
    access: ['manager', 'admin'],
    storeField: 'storeId',
    errors: ['STORE_UNKNOWN'],
  }),
  importCards: action<CardImportResult>()({
    input: batch,
    access: ['manager', 'admin'],
    storeField: 'storeId',
    errors: ['STORE_UNKNOWN'],
  }),
}

export type CardImportContract = typeof cardImportContract
