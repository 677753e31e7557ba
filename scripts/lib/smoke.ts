/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's database is used untyped, as function code uses it */
/**
 * `npm run smoke`: the same database calls against a real CloudBase environment (the real
 * wx-server-sdk, credentials from TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY) and against
 * local-cloud, so that what local-cloud does differently shows on the first deploy. Bundled and
 * run by scripts/smoke.mjs; `--local` runs local-cloud alone (what the test does).
 */
import { isDuplicateKeyError, isTransactionConflict } from '../../cloudfunctions/common/db'
import { createLocalCloud } from '../../local-cloud/runtime'
import { realSdk } from '../../local-cloud/real-sdk'

/** What a check saw: `key` is compared across targets, `note` (an error text) only shown. */
export interface Outcome {
  key: string
  note?: string
}

export interface SmokeRow {
  check: string
  /** One per target, in the order of `SmokeReport.targets`. */
  outcomes: Outcome[]
  /** Whether every target saw the same key. */
  same: boolean
}

export interface SmokeReport {
  targets: string[]
  collection: string
  rows: SmokeRow[]
  /** What is left behind on CloudBase (the SDK cannot drop a collection). */
  leftovers: string[]
}

interface Target {
  name: string
  database(config?: Record<string, unknown>): any
  /** Whether the scratch collection stays behind after its documents are removed. */
  keepsCollection: boolean
  close(): void
}

/** `open(config)`: another database of the same target, opened with other options. */
type Check = (
  db: any,
  collection: string,
  open: (config: Record<string, unknown>) => any,
) => Promise<Array<[string, Outcome]>>

/** How long the transaction checks wait before they decide the platform made a write wait. */
const WAIT_MS = 1500
const SECOND_TRANSACTION_GIVE_UP_MS = 5000
const PAGE_DOCS = 1001

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** An error's text without wx-server-sdk's `<api>:fail <code> <description>. ` prefix. */
function textOf(error: any): string {
  const text = String(error?.errMsg ?? error?.message ?? error)
  return text
    .replace(/^[\w.]+:fail (-?\d+ [^.]*\. )?/, '')
    .replace(/ Please check your request, but if the problem (persists|cannot be solved), contact us\./, '')
    .replace(/\s+/g, ' ')
    .slice(0, 160)
}

const codeOf = (error: any) => String(error?.errCode ?? error?.code ?? 'no code')

function failed(error: any, extra = ''): Outcome {
  return { key: `fail ${codeOf(error)}${extra}`, note: textOf(error) }
}

/** Runs `task` for `count` items, `width` at a time. */
async function inBatches(count: number, width: number, task: (i: number) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - i) }, (_v, j) => task(i + j)))
  }
}

const CHECKS: Check[] = [
  async (db, name) => {
    const col = db.collection(name)
    await col.add({ data: { _id: 'dup', n: 1 } })
    try {
      await col.add({ data: { _id: 'dup', n: 2 } })
      const { data } = await col.doc('dup').get()
      return [['add: a duplicate _id', { key: `ok, now n = ${data?.n}` }]]
    } catch (error) {
      const seen = isDuplicateKeyError(error) ? 'yes' : 'NO'
      return [['add: a duplicate _id', failed(error, `, addUnique sees a duplicate: ${seen}`)]]
    }
  },

  async (db, name) => {
    await db.collection(name).add({ data: { _id: 'tx', v: 0 } })
    const holder = await db.startTransaction()
    await holder
      .collection(name)
      .doc('tx')
      .update({ data: { v: 1 } })
    let runs = 0
    const started = Date.now()
    // If the platform made the second transaction wait, the holder must end for it to go on.
    const release = setTimeout(() => holder.rollback().catch(() => undefined), SECOND_TRANSACTION_GIVE_UP_MS)
    let outcome: Outcome
    try {
      await db.runTransaction(async (t: any) => {
        runs++
        await t
          .collection(name)
          .doc('tx')
          .update({ data: { v: 2 } })
      })
      const waited = Date.now() - started >= SECOND_TRANSACTION_GIVE_UP_MS
      outcome = { key: `ok after ${runs} run(s)${waited ? ', waited for the first one' : ''}` }
    } catch (error) {
      const conflict = isTransactionConflict(error) ? 'yes' : 'no'
      outcome = failed(error, `, a conflict: ${conflict}, runs: ${runs}`)
    } finally {
      clearTimeout(release)
      await holder.rollback().catch(() => undefined)
    }
    return [['transaction: a 2nd one writes a document the 1st holds (runTransaction)', outcome]]
  },

  async (db, name) => {
    const col = db.collection(name)
    const holder = await db.startTransaction()
    await holder
      .collection(name)
      .doc('tx')
      .update({ data: { v: 10 } })
    let settled = false
    const write = col
      .doc('tx')
      .update({ data: { v: db.command.inc(1) } })
      .finally(() => (settled = true))
    await sleep(WAIT_MS)
    const early = settled
    await holder.commit().catch(() => undefined)
    let outcome: Outcome
    try {
      await write
      const { data } = await col.doc('tx').get()
      outcome = {
        key: `${early ? 'applied at once' : 'waited for the commit, then applied'}, v = ${data?.v}`,
      }
    } catch (error) {
      outcome = failed(error)
    }
    return [['plain update of a document a transaction holds', outcome]]
  },

  async (db, name) => {
    const col = db.collection(name)
    await inBatches(PAGE_DOCS, 50, (i) =>
      col.add({ data: { _id: `p${String(i).padStart(4, '0')}`, page: true } }),
    )
    const rows: Array<[string, Outcome]> = []
    const count = async (label: string, query: () => Promise<any>) => {
      try {
        const { data } = await query()
        rows.push([label, { key: `${data.length} documents` }])
      } catch (error) {
        rows.push([label, failed(error)])
      }
    }
    await count(`get() of ${PAGE_DOCS}, no limit`, () => col.where({ page: true }).get())
    await count(`get() of ${PAGE_DOCS}, limit(1000)`, () => col.where({ page: true }).limit(1000).get())
    await count(`get() of ${PAGE_DOCS}, limit(1001)`, () => col.where({ page: true }).limit(1001).get())
    try {
      const { total } = await col.where({ page: true }).count()
      rows.push([`count() of ${PAGE_DOCS}`, { key: String(total) }])
    } catch (error) {
      rows.push([`count() of ${PAGE_DOCS}`, failed(error)])
    }
    return rows
  },

  async (db, name, open) => {
    const rows: Array<[string, Outcome]> = []
    try {
      const { data } = await db.collection(name).doc('missing').get()
      rows.push(['doc().get() of a missing document', { key: `ok, data ${JSON.stringify(data)}` }])
    } catch (error) {
      rows.push(['doc().get() of a missing document', failed(error)])
    }
    try {
      const { data } = await open({ throwOnNotFound: false }).collection(name).doc('missing').get()
      rows.push(['… with throwOnNotFound: false', { key: `ok, data ${JSON.stringify(data)}` }])
    } catch (error) {
      rows.push(['… with throwOnNotFound: false', failed(error)])
    }
    return rows
  },

  async (db, name) => {
    const col = db.collection(name)
    const _ = db.command
    await col.add({ data: { _id: 'u', n: null, s: 'text' } })
    const rows: Array<[string, Outcome]> = []
    const updates: Array<[string, Record<string, unknown>]> = [
      ["update: dotted path through null ('n.b')", { 'n.b': 1 }],
      ['update: inc on a string', { s: _.inc(1) }],
      ['update: push on a string', { s: _.push(1) }],
    ]
    for (const [label, data] of updates) {
      const before = JSON.stringify((await col.doc('u').get()).data)
      try {
        const { stats } = await col.doc('u').update({ data })
        const after = (await col.doc('u').get()).data
        rows.push([label, { key: `ok, updated ${stats?.updated}`, note: `now ${JSON.stringify(after)}` }])
      } catch (error) {
        const unchanged = JSON.stringify((await col.doc('u').get()).data) === before
        rows.push([label, failed(error, unchanged ? '' : ', document CHANGED')])
      }
    }
    return rows
  },

  async (db, name) => {
    const col = db.collection(name)
    const rows: Array<[string, Outcome]> = []
    for (const [label, value] of [
      ['add: NaN', NaN],
      ['add: Infinity', Infinity],
    ] as const) {
      const _id = label.slice(5).toLowerCase()
      try {
        await col.add({ data: { _id, v: value } })
        const { data } = await col.doc(_id).get()
        rows.push([label, { key: `ok, stored as ${String(data?.v)}` }])
      } catch (error) {
        rows.push([label, failed(error)])
      }
    }
    return rows
  },
]

/** Creates the scratch collection, or checks that an existing one is empty (never ours to clear). */
async function prepare(db: any, name: string): Promise<void> {
  try {
    await db.createCollection(name)
  } catch (error) {
    const { total } = await db.collection(name).count()
    if (total > 0)
      throw new Error(
        `collection ${name} exists and holds ${total} documents (${textOf(error)}): choose another --collection`,
      )
  }
}

async function empty(db: any, name: string): Promise<void> {
  const _ = db.command
  for (let round = 0; round < 20; round++) {
    const { total } = await db.collection(name).count()
    if (total === 0) return
    await db
      .collection(name)
      .where({ _id: _.exists(true) })
      .remove()
  }
}

function cloudBase(env: string): Target {
  const sdk = realSdk.createNewInstance({ env })
  return {
    name: `CloudBase ${env}`,
    database: (config) => sdk.database(config),
    keepsCollection: true,
    close() {},
  }
}

function localCloud(): Target {
  const cloud = createLocalCloud()
  return {
    name: 'local-cloud',
    database: (config) => cloud.database(config),
    keepsCollection: false,
    close: () => cloud.close(),
  }
}

export async function runSmoke(options: { env?: string; collection: string }): Promise<SmokeReport> {
  const targets = [...(options.env ? [cloudBase(options.env)] : []), localCloud()]
  const { collection } = options
  const results: Array<Array<[string, Outcome]>> = []
  const leftovers: string[] = []
  try {
    for (const target of targets) {
      const db = target.database()
      await prepare(db, collection)
      const rows: Array<[string, Outcome]> = []
      try {
        for (const check of CHECKS) {
          try {
            rows.push(...(await check(db, collection, (config) => target.database(config))))
          } catch (error) {
            rows.push([`(a check stopped: ${textOf(error)})`, failed(error)])
          }
        }
      } finally {
        await empty(db, collection)
        if (target.keepsCollection)
          leftovers.push(`${target.name}: the empty collection ${collection} (delete it in the console)`)
      }
      results.push(rows)
    }
  } finally {
    for (const target of targets) target.close()
  }
  const names = [...new Set(results.flatMap((rows) => rows.map(([check]) => check)))]
  const rows = names.map((check) => {
    const outcomes = results.map(
      (target) => target.find(([name]) => name === check)?.[1] ?? { key: '(not run)' },
    )
    return { check, outcomes, same: outcomes.every((o) => o.key === outcomes[0].key) }
  })
  return { targets: targets.map((t) => t.name), collection, rows, leftovers }
}

/** The report as a plain-text table (one row per check), then the error texts seen. */
export function renderSmoke(report: SmokeReport): string {
  const compare = report.targets.length > 1
  const header = ['check', ...report.targets, ...(compare ? ['same'] : [])]
  const body = report.rows.map((row) => [
    row.check,
    ...row.outcomes.map((o) => o.key),
    ...(compare ? [row.same ? 'yes' : 'NO'] : []),
  ])
  const widths = header.map((_h, i) => Math.max(...[header, ...body].map((cells) => cells[i].length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join(' | ')
      .trimEnd()
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)]
  const notes = report.rows.flatMap((row) =>
    row.outcomes.flatMap((o, i) => (o.note ? [`  ${row.check} — ${report.targets[i]}: ${o.note}`] : [])),
  )
  if (notes.length > 0) out.push('', 'Texts:', ...notes)
  if (compare) {
    const differ = report.rows.filter((row) => !row.same).length
    out.push(
      '',
      differ === 0
        ? 'CloudBase and local-cloud answered alike.'
        : `${differ} check(s) differ: local-cloud is wrong there — fix it (local-cloud/README.md) before trusting its tests.`,
    )
  }
  if (report.leftovers.length > 0) out.push('', 'Left behind:', ...report.leftovers.map((l) => `  ${l}`))
  return out.join('\n')
}
