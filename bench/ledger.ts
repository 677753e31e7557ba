/**
 * The points ledger at scale (issue #11): members with ten ledger entries each, in the ledger's
 * real shape — made by the ledger's own pure helpers (lots, the chain's MACs), so that the
 * member documents agree with their entries — inserted in batches through local-cloud's wire
 * handler; then 积分明细 (`member.pointsHistory`) for random members through the function, one
 * full reconciliation, the year-end expiry over every lot, and the reconciliation again.
 */
import { randomBytes } from 'node:crypto'

import { wechatActor } from '../cloudfunctions/common/audit'
import { auditSignerFromEnv, type AuditSigner } from '../cloudfunctions/common/chain'
import { manualClock } from '../cloudfunctions/common/clock'
import { asDb, COLLECTIONS, DB_OPTIONS } from '../cloudfunctions/common/db'
import {
  chained,
  createLedger,
  earnLot,
  entryId,
  PURPOSE,
  type BalanceFields,
  type EntryFields,
  type EntrySource,
  type LedgerEntry,
  type LedgerHead,
} from '../cloudfunctions/common/points/ledger'
import { vaultFromEnv, type Vault } from '../cloudfunctions/common/vault'
import { createPointsExpiry, createPointsReconciliation } from '../cloudfunctions/scheduler/points'
import { DEMO_STORES } from '../database/seed'
import { NOTICE_VERSION } from '../src/domain/consent/purposes'
import {
  balances,
  DEFAULT_LOT_POLICY,
  drain,
  firstExpiry,
  takeBack,
  type Allocation,
} from '../src/domain/points/lots'
import type { BenchEnv } from './lib/env'
import { lookup, type LookupResult } from './lib/measure'
import { insertAll, type Batch } from './scale'

/** Entries per generated member. */
export const ENTRIES_PER_MEMBER = 10

const STORES = [DEMO_STORES.xuhui, DEMO_STORES.pudong]
const DAY_MS = 86_400_000
/** Just after the last millisecond of 2026-12-31, China time: every lot earned in 2025 is due. */
export const YEAR_END = '2026-12-31T16:00:00.000Z'

export const ledgerOpenid = (i: number): string => `o-ledger-${i}`

/** Makes the member's entries one after the other, as the ledger's writes would. */
class MemberBook {
  readonly entries: LedgerEntry[] = []
  state: BalanceFields = { points: 0, lots: [] }
  private head: LedgerHead | undefined

  constructor(
    private readonly signer: AuditSigner,
    readonly memberId: string,
    readonly storeId: string,
    readonly actor: string,
  ) {}

  private seal(entry: Omit<EntryFields, 'memberId' | 'purpose'>): LedgerEntry {
    const sealed = chained(this.signer, this.head, { ...entry, memberId: this.memberId, purpose: PURPOSE })
    this.head = sealed.head
    this.entries.push(sealed.entry)
    return sealed.entry
  }

  private fields(id: string, source: EntrySource, at: Date) {
    return { _id: id, source, actor: this.actor, storeId: this.storeId, at }
  }

  /** The member's points and lots with an earn's lot added: the entry's `lot`. */
  private addLot(id: string, points: number, at: Date, immediate: boolean) {
    const { lots, lot } = earnLot({
      id,
      member: this.state,
      points,
      at,
      policy: DEFAULT_LOT_POLICY,
      immediate,
    })
    this.state = { points: this.state.points + points, lots }
    return lot
  }

  earn(ref: string, points: number, amountFen: number, at: Date, immediate = false): LedgerEntry {
    const source: EntrySource = { kind: 'receipt', ref: `${this.storeId}:${ref}` }
    const id = entryId('earn', source)
    const lot = this.addLot(id, points, at, immediate)
    return this.seal({
      ...this.fields(id, source, at),
      kind: 'earn',
      delta: points,
      reason: 'purchase',
      lot,
      lines: [{ kind: 'base', label: '基础', detail: '1 分/元', points }],
      amountFen,
    })
  }

  /** A spend of a share of the available points (at least one). */
  spend(ref: string, share: number, at: Date): void {
    const now = at.toISOString()
    const available = balances(this.state.lots ?? [], now).available
    const points = Math.max(1, Math.floor(available * share))
    const drawn = drain(this.state.lots ?? [], points, now)
    if (!drawn) throw new Error(`bench ledger: ${points} points not available`)
    const source: EntrySource = { kind: 'redemption', ref }
    this.state = { points: this.state.points - points, lots: drawn.tranches }
    this.seal({
      ...this.fields(entryId('spend', source), source, at),
      kind: 'spend',
      delta: -points,
      reason: 'redemption',
      allocations: drawn.allocations,
    })
  }

  /** A partial refund of `earned` while its lot is still held. */
  reverse(earned: LedgerEntry, points: number, refundFen: number, at: Date): void {
    const own = { entry: earned._id, expiresAt: earned.lot?.expiresAt ?? '' }
    const taken = takeBack(this.state.lots ?? [], points, at.toISOString(), own)
    const allocations: Allocation[] = taken.allocations
    const owed = taken.short
    this.state = { points: this.state.points - points, lots: taken.tranches }
    this.seal({
      _id: `reverse:${earned._id}:refund-${earned._id.slice(-12)}`,
      source: earned.source,
      actor: this.actor,
      storeId: earned.storeId,
      at,
      kind: 'reverse',
      delta: -points,
      reason: 'refund',
      allocations,
      reverses: earned._id,
      refundFen,
      ...(owed ? { owed } : {}),
    })
  }

  /** A manager's positive adjustment: an immediate lot. */
  adjust(key: string, points: number, at: Date): void {
    const source: EntrySource = { kind: 'adjustment', ref: key }
    const id = entryId('adjust', source)
    const lot = this.addLot(id, points, at, true)
    this.seal({
      ...this.fields(id, source, at),
      actor: 'staff:bench-manager',
      kind: 'adjust',
      delta: points,
      reason: 'goodwill',
      lot,
    })
  }

  get ledgerHead(): LedgerHead | undefined {
    return this.head
  }
}

/** The member `i`'s document, OPENID claim and ten entries, added to `batch`. */
function ledgerMember(vault: Vault, signer: AuditSigner, i: number, batch: Batch): void {
  const memberId = randomBytes(16).toString('hex')
  const openid = ledgerOpenid(i)
  const storeId = STORES[i % STORES.length]
  const book = new MemberBook(signer, memberId, storeId, wechatActor(vault, openid))
  // Each member's year is shifted by up to 20 days, so that entries do not share instants.
  const shift = (i * 2_654_435_761) % (20 * DAY_MS)
  const at = (iso: string) => new Date(Date.parse(iso) + shift)
  const points = (k: number) => 50 + ((i * 31 + k * 97) % 950)
  book.earn(`${i}-1`, points(1), points(1) * 100, at('2025-02-08T04:00:00Z'))
  book.earn(`${i}-2`, points(2), points(2) * 100, at('2025-05-03T06:30:00Z'))
  book.earn(`${i}-3`, points(3), points(3) * 100, at('2025-09-14T08:15:00Z'))
  book.spend(`bench-${i}-1`, 0.5, at('2025-11-20T10:00:00Z'))
  book.earn(`${i}-4`, points(4), points(4) * 100, at('2026-01-10T05:00:00Z'))
  const refunded = book.earn(`${i}-5`, points(5), points(5) * 100, at('2026-04-11T07:45:00Z'))
  const back = Math.ceil(refunded.delta / 2)
  book.reverse(refunded, back, back * 100, at('2026-04-13T03:20:00Z'))
  book.earn(`${i}-6`, points(6), points(6) * 100, at('2026-08-02T09:10:00Z'))
  book.spend(`bench-${i}-2`, 0.3, at('2026-09-05T11:00:00Z'))
  book.adjust(`bench-${i}`, 20 + (i % 80), at('2026-10-01T02:00:00Z'))

  const joinedAt = at('2025-01-05T03:00:00Z')
  const lots = book.state.lots ?? []
  const first = firstExpiry(lots)
  batch[COLLECTIONS.members].push({
    _id: memberId,
    memberNo: `L${String(i + 1).padStart(9, '0')}`,
    tier: 'normal',
    storeId,
    gender: i % 2 === 0 ? 'female' : 'male',
    province: '31',
    channel: 'weapp',
    status: 'active',
    consents: { membership: { granted: true, noticeVersion: NOTICE_VERSION, at: joinedAt } },
    joinedAt,
    points: book.state.points,
    lots,
    ...(first ? { lotsExpireAt: new Date(first) } : {}),
    ledgerHead: book.ledgerHead,
  })
  batch[COLLECTIONS.identityIndex].push({
    _id: `openid:${vault.blindIndex('openid', openid)}`,
    kind: 'openid',
    memberId,
    at: joinedAt,
  })
  batch[COLLECTIONS.pointsLedger].push(...book.entries)
}

export interface LedgerGenerate {
  members: number
  entries: number
  documents: number
  seconds: number
  documentsPerSecond: number
}

/** Adds `count` members with their ledgers (a fresh environment: no generated members yet). */
export async function generateLedger(
  env: BenchEnv,
  count: number,
  onProgress?: (done: number) => void,
): Promise<LedgerGenerate> {
  const vault = vaultFromEnv(process.env)
  const signer = auditSignerFromEnv(process.env)
  const batchSize = 1000
  const batch: Batch = {
    [COLLECTIONS.members]: [],
    [COLLECTIONS.identityIndex]: [],
    [COLLECTIONS.pointsLedger]: [],
  }
  const started = process.hrtime.bigint()
  let documents = 0
  for (let i = 0; i < count; i++) {
    ledgerMember(vault, signer, i, batch)
    if ((i + 1) % batchSize === 0 || i === count - 1) {
      documents += await insertAll(env.cloud, batch)
      onProgress?.(i + 1)
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return {
    members: count,
    entries: count * ENTRIES_PER_MEMBER,
    documents,
    seconds,
    documentsPerSecond: documents / seconds,
  }
}

export interface PassResult {
  seconds: number
  membersPerSecond: number
}

export interface LedgerScaleResult {
  members: number
  generate: LedgerGenerate
  history: LookupResult & { calls: number }
  reconcile: PassResult & { checked: number; entriesPerSecond: number; findings: number }
  expiry: PassResult & { expired: number; examined: number; points: number }
  reconcileAfter: PassResult & { checked: number; entriesPerSecond: number; findings: number }
  databaseMB: number
}

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9

/** Generates `members` ledgers in `env`, then measures the history page, reconciliation and expiry. */
export async function benchLedger(
  env: BenchEnv,
  members: number,
  log: (line: string) => void,
): Promise<LedgerScaleResult> {
  log(`points ledger: generating ${members.toLocaleString('en')} members × ${ENTRIES_PER_MEMBER} entries …`)
  const step = Math.max(10_000, Math.round(members / 20))
  const generate = await generateLedger(env, members, (done) => {
    if (done % step === 0) log(`  ${done.toLocaleString('en')} members`)
  })
  env.cloud.sqlite.pragma('wal_checkpoint(TRUNCATE)')
  log(
    `  ${generate.documents.toLocaleString('en')} documents in ${generate.seconds.toFixed(1)} s (${generate.documentsPerSecond.toFixed(0)} documents/s)`,
  )

  // 积分明细 for random members, through the member function (router, own view, one page).
  const calls = 2000
  let seed = 0x9e3779b9
  const random = () => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0
    return seed % members
  }
  const history = await lookup(env, 'member.pointsHistory', calls, async () => {
    const answer = await env.call('member', 'pointsHistory', ledgerOpenid(random()), {})
    if (!answer.ok) throw new Error(`pointsHistory failed: ${answer.code}`)
    return (answer.data.entries as unknown[]).length === ENTRIES_PER_MEMBER
  })
  log(
    `  history: ${history.perSecond.toFixed(0)} calls/s p50 ${history.p50Ms.toFixed(2)} ms p99 ${history.p99Ms.toFixed(2)} ms, ${history.readsPerLookup.toFixed(2)} reads per call`,
  )

  const db = asDb(env.cloud.database(DB_OPTIONS))
  const clock = manualClock(YEAR_END)
  const reconcile = async (label: string) => {
    const started = process.hrtime.bigint()
    const run = await createPointsReconciliation({ db, clock }).run({ fresh: true })
    const took = seconds(started)
    if (!run.complete) throw new Error('the reconciliation did not finish')
    const result = {
      seconds: took,
      checked: run.checked,
      membersPerSecond: run.checked / took,
      entriesPerSecond: (members * ENTRIES_PER_MEMBER) / took,
      findings: run.findings.length,
    }
    log(
      `  ${label}: ${run.checked.toLocaleString('en')} members in ${took.toFixed(1)} s (${result.membersPerSecond.toFixed(0)} members/s), ${result.findings} findings`,
    )
    if (run.findings.length > 0)
      throw new Error(`${label}: ${JSON.stringify(run.findings.slice(0, 3))} (the ledgers should agree)`)
    return result
  }
  const first = await reconcile('reconciliation')

  const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY })
  const started = process.hrtime.bigint()
  const run = await createPointsExpiry({ db, clock, ledger }).run()
  const took = seconds(started)
  if (!run.complete) throw new Error('the expiry did not finish')
  const expiry = {
    seconds: took,
    membersPerSecond: run.examined / took,
    expired: run.expired,
    examined: run.examined,
    points: run.points,
  }
  log(
    `  year-end expiry: ${run.expired.toLocaleString('en')} of ${run.examined.toLocaleString('en')} members in ${took.toFixed(1)} s (${expiry.membersPerSecond.toFixed(0)} members/s), ${run.points.toLocaleString('en')} points expired`,
  )
  const reconcileAfter = await reconcile('reconciliation after the expiry')
  // After the expiry each member has one entry more: count them in the rate.
  reconcileAfter.entriesPerSecond = (members * ENTRIES_PER_MEMBER + run.expired) / reconcileAfter.seconds

  const pageCount = env.cloud.sqlite.pragma('page_count', { simple: true }) as number
  const pageSize = env.cloud.sqlite.pragma('page_size', { simple: true }) as number
  return {
    members,
    generate,
    history: { ...history, calls },
    reconcile: first,
    expiry,
    reconcileAfter,
    databaseMB: (pageCount * pageSize) / 1024 / 1024,
  }
}
