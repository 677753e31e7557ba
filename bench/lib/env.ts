/**
 * A benchmark environment: a file-backed local-cloud (WAL, as `npm start` runs it) with the
 * project's manifest and demo seed, keys in the environment (PI_KEY_ENV: the cloud's key
 * environment), the cloud functions registered, and a counter of database operations at the wire
 * handler (what CloudBase bills per call), per environment: CloudBase's quotas and QPS limits are
 * an environment's own, so the main environment's operations and the key environment's are
 * counted apart.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { createMain } from '../../cloudfunctions/member/index'
import { createMain as createStaffMain } from '../../cloudfunctions/staff/index'
import { createMain as createCampaignMain } from '../../cloudfunctions/campaign/index'
import { createMain as createIngestMain } from '../../cloudfunctions/ingest/index'
import { systemClock } from '../../cloudfunctions/common/clock'
import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { openPointsDays } from '../../cloudfunctions/common/points/report'
import { createMain as createParkPayMain } from '../../cloudfunctions/parkpay/index'
import { manifest } from '../../database/manifest'
import { DEMO_STORES, seedDemo } from '../../database/seed'
import { createLocalCloud, type FunctionLoader, type LocalCloud } from '../../local-cloud/runtime'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { wxpayBenchFunction } from './wxpay'

/** The member function without its per-instance store cache (`member.joinForm:cold`). */
export const COLD_MEMBER = 'member-cold'

/** Cloud functions the benchmarks can call, by name. A new function is one line here. */
const FUNCTIONS: Record<string, FunctionLoader> = {
  member: () => ({ main: createMain() }),
  // The member function as a new instance answers: nothing kept from a call before (the stores).
  [COLD_MEMBER]: () => ({ main: createMain({ storeCacheMs: 0 }) }),
  staff: () => ({ main: createStaffMain() }),
  campaign: () => ({ main: createCampaignMain() }),
  ingest: () => ({ main: createIngestMain() }),
  wxpay: wxpayBenchFunction,
  parkpay: () => ({ main: createParkPayMain() }),
}

export type Answer = { ok: true; data: Record<string, unknown> } | { ok: false; code: string }

/** Database operations seen at the wire handler, by kind (as CloudBase counts reads and writes). */
export interface OpCounts {
  /** Reads and writes in the main environment. */
  reads: number
  writes: number
  /** Reads and writes in the key environment (PI_KEY_ENV: the wrapped data keys). */
  keyReads: number
  keyWrites: number
  transactions: number
  other: number
}

const READS = new Set(['database.getDocument', 'database.calculateDocument', 'database.aggregateDocuments'])
const WRITES = new Set(['database.insertDocument', 'database.modifyDocument', 'database.removeDocument'])
const TRANSACTIONS = new Set([
  'database.startTransaction',
  'database.commitTransaction',
  'database.abortTransaction',
])

export interface BenchEnv {
  cloud: LocalCloud
  dataDir: string
  ops: OpCounts
  resetOps(): void
  call(fn: string, action: string, openid: string, data?: Record<string, unknown>): Promise<Answer>
  newOpenid(): string
  /** A valid mainland mobile number never used before in this environment. */
  newPhone(): string
  /** Sends a join code and answers it (read from the SMS outbox). */
  sendCode(openid: string, phone: string): Promise<string>
  /** Calls a member action that sends an SMS code and answers the code. */
  codeVia(openid: string, action: string, data?: Record<string, unknown>): Promise<string>
  /** The join form for a new shopper, complete but for the SMS code. */
  joinForm(phone: string): Record<string, unknown>
  /** Joins `count` new members; answers their OPENIDs. */
  newMembers(count: number): Promise<string[]>
  close(): void
}

export function installBenchKeys(): void {
  process.env.PI_MASTER_KEY = randomBytes(32).toString('base64')
  process.env.PI_INDEX_KEY = randomBytes(32).toString('base64')
  process.env.PI_MASTER_KEY_ID = 'bench1'
  process.env.AUDIT_SIGNING_KEY = randomBytes(32).toString('base64')
}

export async function createBenchEnv(options: { dataDir?: string } = {}): Promise<BenchEnv> {
  if (!process.env.PI_MASTER_KEY) installBenchKeys()
  const ownDir = options.dataDir === undefined
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'bench-'))
  const cloud = createLocalCloud({ dataDir, manifest, functions: FUNCTIONS }).use()
  process.env.PI_KEY_ENV = cloud.keyEnv
  await seedDemo(cloud.database(DB_OPTIONS), {
    keyDatabase: cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }),
    showcase: true,
  })
  // As after the scheduler's daily points job: today's report shards of every store exist, so
  // entries only increment them (the steady state the budgets describe).
  await openPointsDays(asDb(cloud.database(DB_OPTIONS)), systemClock)
  const ops: OpCounts = { reads: 0, writes: 0, keyReads: 0, keyWrites: 0, transactions: 0, other: 0 }
  cloud.onWire((action, _params, env) => {
    const inKeyEnv = env === cloud.keyEnv
    if (READS.has(action)) ops[inKeyEnv ? 'keyReads' : 'reads']++
    else if (WRITES.has(action)) ops[inKeyEnv ? 'keyWrites' : 'writes']++
    else if (TRANSACTIONS.has(action)) ops.transactions++
    else if (action.startsWith('database.')) ops.other++
  })
  let sequence = 0
  const unique = () => `${process.pid.toString(36)}${(sequence++).toString(36)}`
  let phones = 0
  const phonePrefix = 130 + (process.pid % 10)

  const env: BenchEnv = {
    cloud,
    dataDir,
    ops,
    resetOps() {
      ops.reads = ops.writes = ops.keyReads = ops.keyWrites = ops.transactions = ops.other = 0
    },
    async call(fn, action, openid, data) {
      const event = data === undefined ? { action } : { action, data }
      return (await cloud.invoke(fn, event, { OPENID: openid })) as Answer
    },
    newOpenid: () => `o-bench-${unique()}`,
    newPhone: () => `${phonePrefix}${String(phones++).padStart(8, '0')}`,
    sendCode: (openid, phone) => env.codeVia(openid, 'sendJoinCode', { phone }),
    async codeVia(openid, action, data) {
      const sent = await env.call('member', action, openid, data)
      if (!sent.ok) throw new Error(`${action} failed: ${sent.code}`)
      const sms = cloud.outbox.last('sms')
      const code = (sms?.payload as { template_param_list?: string[] } | undefined)?.template_param_list?.[0]
      if (!code) throw new Error('no SMS code in the outbox')
      return code
    },
    joinForm: (phone) => ({
      name: '王小明',
      gender: 'male',
      province: '31',
      storeId: DEMO_STORES.xuhui,
      birthDate: '1988-03-09',
      phone,
      noticeVersion: NOTICE_VERSION,
    }),
    async newMembers(count) {
      const openids: string[] = []
      for (let i = 0; i < count; i++) {
        const openid = env.newOpenid()
        const phone = env.newPhone()
        const smsCode = await env.sendCode(openid, phone)
        const joined = await env.call('member', 'join', openid, { ...env.joinForm(phone), smsCode })
        if (!joined.ok) throw new Error(`join failed: ${joined.code}`)
        openids.push(openid)
      }
      return openids
    },
    close() {
      cloud.close()
      if (ownDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
  return env
}
