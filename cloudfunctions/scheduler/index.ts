/**
 * The `scheduler` cloud function: timer-triggered jobs (7.1 retention sweeps, 5.3 key rotation).
 *
 * CloudBase invokes a timer trigger with the event
 * `{ Type: 'Timer', TriggerName: '<name in config.json>', Time: '<ISO time>', Message: '' }`
 * and no WeChat user: `getWXContext().OPENID` is empty. Anything else is refused — a shopper
 * calling `wx.cloud.callFunction({ name: 'scheduler' })` always has an OPENID, whatever the
 * event says. The console's "云端测试" (no OPENID) can run a trigger by hand with the same event.
 *
 * Triggers (config.json), each a list of jobs that share the invocation's time budget:
 * - `sweep` (every 10 minutes): the retention sweeps of the manifest whose period is counted in
 *   minutes to days (SMS codes and quotas, abandoned claims, children waiting for a guardian,
 *   staff invitations …), so that such a period is kept to within minutes; what a sign-up or
 *   binding that died half-way left behind (orphans.ts: identity, receipts, keys), the move of
 *   wrapped keys written before the key store into it (migration.ts; nothing to do once done),
 *   one step of a master-key rotation when `PI_RETIRED_MASTER_KEYS` is set, and the backfill of
 *   fields added later (backfill.ts: the member number's last digits the counter looks up), and
 *   receipt claims pending over 30 days (receipts.ts: closed as 超期, photo deleted),
 *   and the parking payments not paid within 15 minutes (common/parking/payments.ts: the order
 *   closed, or settled paid if WeChat Pay has it paid; points and vouchers given back once);
 * - `retention` (daily, 03:30 China time): the retention sweeps whose period is counted in years
 *   (audit log, consent receipts, points ledger, unbound cards …);
 * - `audit` (hourly): the verification of the audit log's chains (integrity.ts), resumable:
 *   each tick continues the pass, and its answer names the first broken or missing entry;
 * - `points` (daily, 00:20 China time): the expiry of lots past their date, then the
 *   reconciliation of every member's balance with the ledger (points.ts), both resumable, the
 *   month closings, the day's and the next day's report shards of every open store, the vouchers
 *   that expired unused (points and stock back, vouchers.ts), on the review day the yearly tier review (tiers.ts), and the points-expiry
 *   reminders (expiryReminder.ts, SUBSCRIBE_TEMPLATES), all resumable;
 * - `wxpay` (every minute): the WeChat Pay 智慧商圈 points sync queue (common/wxpay/sync.ts),
 *   within WeChat's rate limit; skipped while no merchant is configured (`WXPAY_MCHID`).
 */
import * as cloud from 'wx-server-sdk'

import { durationMs } from '../../src/domain/dates'
import { DEFAULT_LOT_POLICY } from '../../src/domain/points/lots'
import { createAuditLog, systemActor } from '../common/audit'
import { functionPayPort } from '../common/parking/cloudPay'
import { createParkingPayments } from '../common/parking/payments'
import { createParkingQuotes } from '../common/parking/quote'
import { createTariffBook } from '../common/parking/tariffs'
import { auditSignerFromEnv, createAuditChain } from '../common/chain'
import { systemClock, type Clock } from '../common/clock'
import { createConsentRecorder } from '../common/consents/recorder'
import type { Db } from '../common/db'
import { createErasure } from '../common/erasure'
import { createFileStore, type StorageApi } from '../common/files'
import { errorSummary, fail, ok, type Result } from '../common/errors'
import { createIdentityStore } from '../common/identity'
import { createKeyStore } from '../common/keystore'
import { createNotifier, templatesFromEnv, type SubscribeOpenApi } from '../common/notify'
import { createScopeGuard } from '../common/scope'
import { openDatabases, type Databases } from '../common/platform'
import { createLedger } from '../common/points/ledger'
import { closeMonths, openPointsDays } from '../common/points/report'
import { vaultFromEnv } from '../common/vault'
import { callerKeysFromEnv } from '../common/wxpay/config'
import { httpsPort, type PayPort } from '../common/wxpay/port'
import { createSyncDrain } from '../common/wxpay/sync'
import { createMemberTailBackfill } from './backfill'
import { retiredKeyIds } from './jobs'
import { createPointsExpiry, createPointsReconciliation } from './points'
import { createVoucherExpiry } from './vouchers'
import { createReceiptClaimSweep } from './receipts'
import { createTierReview } from './tiers'
import { createExpiryReminder } from './expiryReminder'
import { createAuditVerification } from './integrity'
import { createKeyMigration } from './migration'
import { createOrphanSweep } from './orphans'
import { createKeyRotation } from './rotation'
import { createSweeps, RETENTION_SWEEPS, retentionSweep } from './sweeps'

cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV as unknown as string })

/** Retention periods up to this long are swept every 10 minutes; longer ones daily. */
const FREQUENT_SWEEP_MAX_MS = 31 * 24 * 3600_000
const frequent = RETENTION_SWEEPS.filter((rule) => durationMs(rule.after) <= FREQUENT_SWEEP_MAX_MS)
const daily = RETENTION_SWEEPS.filter((rule) => durationMs(rule.after) > FREQUENT_SWEEP_MAX_MS)

export const TRIGGERS = {
  sweep: [
    ...frequent.map((rule) => rule.sweep),
    'orphans',
    'migrateKeys',
    'rotateKeys',
    'backfillMemberTail',
    'closeReceiptClaims',
    'settleParkingPayments',
    // Also here: after the year end, a million members' points are written off in hours, not days.
    'expirePoints',
  ],
  retention: daily.map((rule) => rule.sweep),
  audit: ['verifyAudit'],
  points: [
    'expirePoints',
    'reconcilePoints',
    'closePointsMonths',
    'openPointsDays',
    'expireVouchers',
    'reviewTiers',
    'remindPointsExpiry',
  ],
  wxpay: ['syncWxPay'],
} satisfies Record<string, string[]>

export type TriggerName = keyof typeof TRIGGERS
export type JobName = string

/** Who the audit log names for what the retention sweeps read or delete. */
export const RETENTION_ACTOR = 'system:retention'

export type SchedulerResult = Result<{ trigger: TriggerName; jobs: Partial<Record<JobName, unknown>> }>

export interface SchedulerOptions {
  clock?: Clock
  env?: Record<string, string | undefined>
  getContext?: () => { OPENID?: string }
  /** Tests only: another WeChat openapi than the platform's (subscribe messages). */
  openapi?: SubscribeOpenApi
  /** When the SCF context gives no time limit (the default function timeout is 3 s). */
  defaultTimeLimitMs?: number
  /** Where calls to WeChat Pay go (HTTPS to `WXPAY_API_BASE` by default). */
  wxpayPort?: PayPort
  /** Waits between calls to WeChat Pay (setTimeout by default). */
  sleep?: (ms: number) => Promise<void>
}

/** Time kept back from the function's time limit for the last page and the answer. */
const SAFETY_MS = 1500
const MIN_BUDGET_MS = 500

const isTrigger = (name: unknown): name is TriggerName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(TRIGGERS, name)

export function createMain(options: SchedulerOptions = {}) {
  const clock = options.clock ?? systemClock
  const env = options.env ?? process.env
  const getContext = options.getContext ?? (() => cloud.getWXContext())
  // Kept by the function instance across its invocations, like the member function's.
  const auditChain = createAuditChain()
  const files = createFileStore(cloud as unknown as StorageApi)

  // The key environment's database (PI_KEY_ENV) is opened by the jobs that need it: a missing
  // variable fails those jobs only.
  /** The identity store (and what it writes with) over the two environments. */
  function identityStoreOf(db: Db, keyDb: Db) {
    const vault = vaultFromEnv(env)
    const audit = createAuditLog({ db, signer: auditSignerFromEnv(env), clock, chain: auditChain })
    const keys = createKeyStore({ db: keyDb, vault, clock })
    return { audit, keys, identities: createIdentityStore({ db, vault, audit, clock, keys }) }
  }

  /** Subscribe messages from a job: under the member's topic consent and allowances, as the member function sends them. */
  function notifierOf(db: Db, keyDb: Db) {
    const { audit, identities } = identityStoreOf(db, keyDb)
    return createNotifier({
      db,
      guard: createScopeGuard({ db, identities, audit }),
      identities,
      openapi: options.openapi ?? (cloud.openapi as unknown as SubscribeOpenApi),
      templates: templatesFromEnv(env.SUBSCRIBE_TEMPLATES),
    })
  }

  /** A member erased by the retention sweep: through the erasure path, as a cancellation is. */
  function memberEraser(db: Db, keyDb: Db) {
    const { audit, keys, identities } = identityStoreOf(db, keyDb)
    const consents = createConsentRecorder({ db, clock })
    const erasure = createErasure({ db, clock, audit, identities, keys, consents, files })
    return (memberId: string) => erasure.eraseMember(memberId, RETENTION_ACTOR, 'system')
  }

  async function runJob(name: JobName, { db, keyDb }: Databases, budgetMs: number): Promise<unknown> {
    const rule = retentionSweep(name)
    if (rule) {
      let eraser: ((memberId: string) => Promise<void>) | undefined
      const sweeps = createSweeps({
        db,
        keyDb,
        clock,
        eraseMember: () => (eraser ??= memberEraser(db, keyDb())),
      })
      return sweeps.run(rule, { budgetMs })
    }
    switch (name) {
      case 'orphans':
        return createOrphanSweep({ db, keyDb: keyDb(), clock }).run({ budgetMs })
      case 'verifyAudit': {
        const run = await createAuditVerification({ db, signer: auditSignerFromEnv(env), clock }).run({
          budgetMs,
        })
        if (run.first) console.error('[scheduler] audit log: first finding', run.first.kind, run.first.where)
        return run
      }
      case 'expirePoints': {
        const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY })
        return createPointsExpiry({ db, clock, ledger }).run({ budgetMs })
      }
      case 'reconcilePoints': {
        const run = await createPointsReconciliation({ db, clock }).run({ budgetMs })
        if (run.findings.length > 0)
          console.error('[scheduler] points: balances that disagree with the ledger', run.findings.length)
        return { ...run, findings: run.findings.length }
      }
      case 'closeReceiptClaims':
        return createReceiptClaimSweep({ db, clock, files }).run({ budgetMs })
      case 'settleParkingPayments': {
        const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY })
        const quotes = createParkingQuotes({ db, clock, tariffs: createTariffBook(clock) })
        const port = () => functionPayPort(env)
        return createParkingPayments({ db, clock, ledger, quotes, port }).settleStale(
          systemActor('parking-payments'),
        )
      }
      case 'closePointsMonths':
        return closeMonths(db, clock)
      case 'openPointsDays':
        return openPointsDays(db, clock)
      case 'expireVouchers': {
        const ledger = createLedger({ db, clock, policy: DEFAULT_LOT_POLICY })
        return createVoucherExpiry({ db, clock, ledger }).run({ budgetMs })
      }
      case 'reviewTiers':
        return createTierReview({ db, clock }).run({ budgetMs })
      case 'remindPointsExpiry':
        return createExpiryReminder({ db, clock, notifier: notifierOf(db, keyDb()) }).run({ budgetMs })
      case 'backfillMemberTail':
        return createMemberTailBackfill({ db, clock }).run({ budgetMs })
      case 'migrateKeys':
        return createKeyMigration({ db, keyDb: keyDb(), clock }).run({ budgetMs })
      case 'rotateKeys': {
        const retired = retiredKeyIds(env)
        if (retired.length === 0) return { skipped: 'no PI_RETIRED_MASTER_KEYS' }
        const rotation = createKeyRotation({
          db,
          keyDb: keyDb(),
          vault: vaultFromEnv(env),
          clock,
          audit: createAuditLog({ db, signer: auditSignerFromEnv(env), clock, chain: auditChain }),
          retiredKeyIds: retired,
        })
        const run = await rotation.run({ budgetMs })
        return { ...run, remaining: await rotation.remaining() }
      }
      case 'syncWxPay': {
        if (!env.WXPAY_MCHID?.trim()) return { skipped: 'no WXPAY_MCHID' }
        const caller = callerKeysFromEnv(env)
        const vault = vaultFromEnv(env)
        return createSyncDrain({
          db,
          clock,
          keys: createKeyStore({ db: keyDb(), vault, clock }),
          audit: createAuditLog({ db, signer: auditSignerFromEnv(env), clock, chain: auditChain }),
          caller,
          port: options.wxpayPort ?? httpsPort(caller.apiBase),
          sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        }).run({ budgetMs })
      }
      default:
        throw new Error(`unknown job ${name}`)
    }
  }

  return async function main(event: unknown, context?: unknown): Promise<SchedulerResult> {
    const caller = getContext()
    if (typeof caller?.OPENID === 'string' && caller.OPENID !== '') return fail('FORBIDDEN')
    const { Type, TriggerName } = (typeof event === 'object' && event !== null ? event : {}) as Record<
      string,
      unknown
    >
    if (Type !== 'Timer') return fail('FORBIDDEN')
    if (!isTrigger(TriggerName)) return fail('INVALID_ARGUMENT')

    const limit = (context as { time_limit_in_ms?: unknown } | undefined)?.time_limit_in_ms
    const timeLimitMs = typeof limit === 'number' && limit > 0 ? limit : (options.defaultTimeLimitMs ?? 3000)
    const deadline = clock.now() + Math.max(timeLimitMs - SAFETY_MS, MIN_BUDGET_MS)
    const databases = openDatabases(cloud, env)
    const jobs: Partial<Record<JobName, unknown>> = {}
    // One job's failure must not starve the others: each is reported and the rest still run.
    for (const name of TRIGGERS[TriggerName] as readonly JobName[]) {
      try {
        jobs[name] = await runJob(name, databases, Math.max(deadline - clock.now(), 0))
      } catch (error) {
        console.error(`[scheduler] ${TriggerName}/${name} failed`, errorSummary(error))
        jobs[name] = { failed: errorSummary(error).name }
      }
    }
    return ok({ trigger: TriggerName, jobs })
  }
}

export const main = createMain()
