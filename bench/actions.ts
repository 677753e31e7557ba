/**
 * The registry of benchmarked function actions. Each case prepares its calls before the clock
 * starts (members to look at, SMS codes to join with); only the calls themselves are timed and
 * their database operations counted. A new action is one line: `asMember('member', 'profile')`,
 * `asShopper('member', 'joinForm')`, or a case with its own `prepare`.
 */
import { randomBytes } from 'node:crypto'

import { asDb, COLLECTIONS, DB_OPTIONS } from '../cloudfunctions/common/db'
import { createDevices } from '../cloudfunctions/common/devices'
import { sign } from '../cloudfunctions/ingest/signature'
import { nodeHmacSha1 } from '../cloudfunctions/common/points/memberCode'
import { staffDocId } from '../cloudfunctions/common/staff'
import { vaultFromEnv } from '../cloudfunctions/common/vault'
import { systemClock } from '../cloudfunctions/common/clock'
import { createLedger } from '../cloudfunctions/common/points/ledger'
import { DEFAULT_LOT_POLICY } from '../src/domain/points/lots'
import { DEMO_CHANNELS, DEMO_PERSONAS, DEMO_STORES } from '../database/seed'
import { REVEAL_DAILY_LIMIT } from '../src/domain/staff/lookup'
import { WAIVE_DAILY_LIMIT } from '../src/domain/parking/waive'
import { encodeScene } from '../src/domain/channel/scene'
import { IMPORT_BATCH_ROWS } from '../src/domain/cardImport/model'
import { NOTICE_VERSION } from '../src/domain/consent/purposes'
import { chinaDate } from '../src/domain/dates'
import { hexToBytes, memberCodeToken } from '../src/domain/points/memberCode'
import { COLD_MEMBER, type Answer, type BenchEnv } from './lib/env'
import { BENCH_WXPAY_KEYS } from './lib/wxpay'
import { buildNotice } from '../local-cloud/wxpay'
import { PARKING_CASES, unpaidSessions } from './parking'
import { PARKPAY_CASES } from './parkpay'

export interface BenchCall {
  openid: string
  data?: Record<string, unknown>
}

export interface ActionCase {
  fn: string
  action: string
  /** Tells apart two cases of one action (`member.home:firstView`). */
  label?: string
  /** Fewer calls: each needs a sign-up to prepare, or is a sign-up. */
  heavy?: boolean
  /** Calls at 16 callers (half at 1), when the default counts do not fit the case. */
  calls?: (quick: boolean) => number
  /** Builds `n` calls, in order; runs before timing. */
  prepare(env: BenchEnv, n: number): Promise<BenchCall[]>
  /**
   * Refusals that are the point of the case (SOLD_OUT when many claim the last items): counted
   * as answered calls, and reported as accepted / attempted.
   */
  expectedRefusals?: readonly string[]
  /**
   * How a call is made when it is not `env.call` of the action: an HTTP push, a module the
   * function wires (`fn.action` names it), another instance of the function.
   */
  invoke?(env: BenchEnv, call: BenchCall): Promise<Answer>
}

/** Members prepared once per environment and reused by every `asMember` case. */
const MEMBER_POOL = 32
/** Members the awards go to, in turn. */
const AWARD_MEMBERS = 16
const pools = new WeakMap<BenchEnv, Promise<string[]>>()

function memberPool(env: BenchEnv): Promise<string[]> {
  let pool = pools.get(env)
  if (!pool) {
    pool = env.newMembers(MEMBER_POOL)
    pools.set(env, pool)
  }
  return pool
}

/**
 * An action called by existing members (round robin over a small pool), with fixed data.
 * `before`: calls each pool member makes once while preparing (a consent the action needs …).
 */
export function asMember(
  fn: string,
  action: string,
  data?: Record<string, unknown>,
  before: Array<{ action: string; data?: Record<string, unknown> }> = [],
): ActionCase {
  return {
    fn,
    action,
    async prepare(env, n) {
      const members = await memberPool(env)
      for (const openid of members) {
        for (const step of before) {
          const answer = await env.call(fn, step.action, openid, step.data)
          if (!answer.ok) throw new Error(`${fn}.${step.action} before ${action} failed: ${answer.code}`)
        }
      }
      return Array.from({ length: n }, (_v, i) => ({ openid: members[i % members.length], data }))
    },
  }
}

/** An action called by shoppers who are not members yet, one new shopper per call. */
export function asShopper(fn: string, action: string, data?: Record<string, unknown>): ActionCase {
  return {
    fn,
    action,
    prepare: async (env, n) => Array.from({ length: n }, () => ({ openid: env.newOpenid(), data })),
  }
}

/** Numbers new channels' and partners' names: each call makes a new one, never a retry. */
let benchNames = 0

/** An action called by the demo store's manager (a seeded staff account), with fixed data. */
function asManager(action: string, data?: Record<string, unknown>): ActionCase {
  return {
    fn: 'staff',
    action,
    prepare: async (_env, n) => Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.manager, data })),
  }
}

/** A pool member as the counter finds them: the last digits of their number and their ref. */
async function lookedUp(env: BenchEnv, index = 0): Promise<{ tail: string; ref: string }> {
  const openid = (await memberPool(env))[index]
  const home = await env.call('member', 'home', openid)
  if (!home.ok) throw new Error(`member.home failed: ${home.code}`)
  const tail = String((home.data.member as { memberNo: string }).memberNo).slice(-4)
  const found = await env.call('staff', 'lookupMember', DEMO_PERSONAS.counter, { tail })
  if (!found.ok) throw new Error(`staff.lookupMember failed: ${found.code}`)
  const [first] = found.data.members as Array<{ ref: string }>
  return { tail, ref: first.ref }
}

/** Counter staff of the demo store, enough for `calls` within a daily allowance of `perStaff` each. */
async function revealers(env: BenchEnv, calls: number, perStaff = REVEAL_DAILY_LIMIT): Promise<string[]> {
  const vault = vaultFromEnv(process.env)
  const db = asDb(env.cloud.database())
  const openids: string[] = []
  for (let i = 0; i < Math.ceil(calls / perStaff); i++) {
    const openid = env.newOpenid()
    await db.collection(COLLECTIONS.staff).add({
      data: {
        _id: staffDocId(vault, openid),
        staffId: `staff-bench-${i}-${openid.slice(-6)}`,
        role: 'counter',
        storeIds: [DEMO_STORES.xuhui],
        displayName: '导购',
        status: 'active',
        createdAt: new Date(),
      },
    })
    openids.push(openid)
  }
  return openids
}

/** A campaign of the demo store created by its manager: `stock` items, the name asked for. */
async function newCampaign(
  env: BenchEnv,
  stock: number,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const answer = await env.call('campaign', 'createCampaign', DEMO_PERSONAS.manager, {
    kind: 'gift',
    title: '基准测试礼品',
    storeIds: [DEMO_STORES.xuhui],
    startsOn: '2000-01-01',
    endsOn: '2099-12-31',
    stock,
    fields: [{ key: 'name', reason: '核对领取人' }],
    purpose: '发放礼品并核对领取',
    retentionDays: 30,
    ...extra,
  })
  if (!answer.ok) throw new Error(`campaign.createCampaign failed: ${answer.code}`)
  return (answer.data as { campaign: { id: string } }).campaign.id
}

/** Claims of a campaign, one new member each: the claims' codes. */
async function claimCodes(env: BenchEnv, n: number): Promise<string[]> {
  const campaignId = await newCampaign(env, n)
  const codes: string[] = []
  for (const openid of await env.newMembers(n)) {
    const answer = await env.call('campaign', 'claim', openid, CLAIM(campaignId))
    if (!answer.ok) throw new Error(`campaign.claim failed: ${answer.code}`)
    codes.push((answer.data as { claim: { code: string } }).claim.code)
  }
  return codes
}

const CLAIM = (campaignId: string) => ({
  campaignId,
  agreed: true,
  values: [{ key: 'name', value: '王小明' }],
})

/** Claimants per campaign in the contention case, and the items each campaign has. */
const CONTENDERS = 20
const CONTENDED_STOCK = 2

/** Joining, one new shopper per call with a code sent beforehand. */
function joinCase(label?: string, extra: Record<string, unknown> = {}): ActionCase {
  return {
    fn: 'member',
    action: 'join',
    label,
    async prepare(env, n) {
      const calls: BenchCall[] = []
      for (let i = 0; i < n; i++) {
        const openid = env.newOpenid()
        const phone = env.newPhone()
        const smsCode = await env.sendCode(openid, phone)
        calls.push({ openid, data: { ...env.joinForm(phone), ...extra, smsCode } })
      }
      return calls
    },
  }
}

/** A reward for the redemption cases: stock and limits no bench run reaches. */
const BENCH_REWARD = 'reward-bench'

/** Gives the pool's members points (one opening lot each, spendable at once) and the bench reward. */
async function withPoints(env: BenchEnv): Promise<string[]> {
  const members = await memberPool(env)
  const db = asDb(env.cloud.database(DB_OPTIONS))
  const vault = vaultFromEnv(process.env)
  const ledger = createLedger({ db, clock: systemClock, policy: DEFAULT_LOT_POLICY })
  for (const openid of members) {
    const claim = await db
      .collection(COLLECTIONS.identityIndex)
      .doc(`openid:${vault.blindIndex('openid', openid)}`)
      .get()
    const memberId = String(claim.data?.memberId)
    await ledger.earn({
      memberId,
      source: { kind: 'card', ref: `bench-${memberId}` },
      points: 1_000_000,
      storeId: DEMO_STORES.xuhui,
      actor: 'system:bench',
      immediate: true,
      lines: [{ kind: 'base', label: '基础', detail: '1 分/元', points: 1_000_000 }],
    })
  }
  const reward = {
    name: '压测礼品',
    kind: 'gift',
    points: 10,
    stock: 1_000_000,
    perMemberLimit: 1_000_000,
    status: 'active',
  }
  await db.collection(COLLECTIONS.rewards).doc(BENCH_REWARD).set({ data: reward })
  return members
}

let redeemKeys = 0
const redeemCall = (openid: string): BenchCall => ({
  openid,
  data: { rewardId: BENCH_REWARD, key: `bench-${Date.now().toString(36)}-${++redeemKeys}` },
})

export const ACTION_CASES: ActionCase[] = [
  // Views after the member's first of the China day (made while preparing): the common case of
  // a member coming back to the member centre. The first view of a day is the next case.
  asMember('member', 'home', undefined, [{ action: 'home' }]),
  {
    fn: 'member',
    action: 'home',
    label: 'firstView',
    heavy: true,
    // Each call is a member's first view of the day: one new member per call, made beforehand.
    prepare: async (env, n) => (await env.newMembers(n)).map((openid) => ({ openid })),
  },
  asShopper('member', 'joinForm'),
  // The join form as an instance's first call answers it (settings and stores: 2 reads), the
  // action issue #11's earn figure was set against; earn is compared with it in the budgets.
  {
    ...asShopper('member', 'joinForm'),
    label: 'cold',
    invoke: async (env, call) =>
      (await env.cloud.invoke(COLD_MEMBER, { action: 'joinForm' }, { OPENID: call.openid })) as Answer,
  },
  // The join form opened by a counter's code (the in-store path): the channel read on top.
  {
    ...asShopper('member', 'joinForm', {
      scene: encodeScene({ kind: 'counter', code: DEMO_CHANNELS.lancome }),
    }),
    label: 'scene',
  },
  {
    fn: 'member',
    action: 'sendJoinCode',
    prepare: async (env, n) =>
      Array.from({ length: n }, () => ({ openid: env.newOpenid(), data: { phone: env.newPhone() } })),
  },
  joinCase(),
  // Through a counter's code: the channel read and the day's count on top of a join.
  joinCase('scene', { scene: encodeScene({ kind: 'counter', code: DEMO_CHANNELS.lancome }) }),
  // Self-service (account subpackage).
  asMember('member', 'profile'),
  asMember('member', 'updateProfile', { address: '上海市徐汇区漕溪北路1号' }),
  asMember('member', 'plates', undefined, [
    { action: 'setConsent', data: { purpose: 'parking', granted: true, noticeVersion: NOTICE_VERSION } },
  ]),
  asMember('member', 'consents'),
  asMember('member', 'setConsent', { purpose: 'marketing', granted: false }),
  asMember('member', 'exportData'),
  // Staff (the staff function): every call reads the caller's staff account first.
  asManager('me'),
  asManager('listStaff'),
  asManager('createInvite', { role: 'counter', storeIds: [DEMO_STORES.xuhui] }),
  // The counter's lookup: one member found, read and audited; reveals within the allowance.
  {
    fn: 'staff',
    action: 'lookupMember',
    async prepare(env, n) {
      const { tail } = await lookedUp(env)
      return Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.counter, data: { tail } }))
    },
  },
  {
    fn: 'staff',
    action: 'revealField',
    async prepare(env, n) {
      const { ref } = await lookedUp(env)
      const staff = await revealers(env, n)
      return Array.from({ length: n }, (_v, i) => ({
        openid: staff[Math.floor(i / REVEAL_DAILY_LIMIT)],
        data: { ref, field: 'phone', reason: 'verifyIdentity' },
      }))
    },
  },
  // The counter scans a member's code: resolved (one step marked used), read and audited. Each
  // call needs a code not scanned yet: one per pool member, so a few calls only.
  {
    fn: 'staff',
    action: 'lookupByCode',
    calls: () => 16,
    async prepare(env, n) {
      const members = (await memberPool(env)).slice(0, n)
      const tokens: string[] = []
      for (const openid of members) {
        const answer = await env.call('member', 'memberCodeSecret', openid)
        if (!answer.ok) throw new Error(`member.memberCodeSecret failed: ${answer.code}`)
        const { codeId, secret } = answer.data as { codeId: string; secret: string }
        tokens.push(memberCodeToken(codeId, nodeHmacSha1, hexToBytes(secret), Date.now()))
      }
      return tokens.map((code) => ({ openid: DEMO_PERSONAS.counter, data: { code } }))
    },
  },
  asMember('member', 'memberCodeSecret'),
  // Thirty days of the store's channels, with today's sign-ups through a counter's code.
  asManager('channelReport', {
    from: chinaDate(Date.now() - 29 * 86_400_000),
    to: chinaDate(Date.now()),
  }),
  // Campaigns (the campaign function).
  {
    fn: 'campaign',
    action: 'listCampaigns',
    prepare: async (env, n) => {
      await newCampaign(env, 10)
      return Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.counter }))
    },
  },
  {
    fn: 'campaign',
    action: 'campaignForm',
    prepare: async (env, n) => {
      const campaignId = await newCampaign(env, 10)
      const members = await memberPool(env)
      return Array.from({ length: n }, (_v, i) => ({
        openid: members[i % members.length],
        data: { campaignId },
      }))
    },
  },
  {
    // Contention: groups of 20 new members claim a campaign with 2 items left, in order, so every
    // stretch of calls meets the same mix of claims won and SOLD_OUT.
    fn: 'campaign',
    action: 'claim',
    label: 'contention',
    heavy: true,
    expectedRefusals: ['SOLD_OUT'],
    async prepare(env, n) {
      const members = await env.newMembers(n)
      const calls: BenchCall[] = []
      for (let i = 0; i < n; i += CONTENDERS) {
        const campaignId = await newCampaign(env, CONTENDED_STOCK)
        for (const openid of members.slice(i, i + CONTENDERS)) calls.push({ openid, data: CLAIM(campaignId) })
      }
      return calls
    },
  },
  {
    fn: 'campaign',
    action: 'verifyClaim',
    heavy: true,
    prepare: async (env, n) =>
      (await claimCodes(env, n)).map((code) => ({ openid: DEMO_PERSONAS.counter, data: { code } })),
  },
  {
    fn: 'campaign',
    action: 'campaignReport',
    prepare: async (env, n) => {
      const campaignId = await newCampaign(env, 10)
      return Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.manager, data: { campaignId } }))
    },
  },
  asManager('listChannels', { storeId: DEMO_STORES.xuhui }),
  asManager('channelCode', { code: DEMO_CHANNELS.lancome }),
  asManager('listCounters', { storeId: DEMO_STORES.xuhui }),
  {
    fn: 'staff',
    action: 'createChannel',
    prepare: async (_env, n) =>
      Array.from({ length: n }, () => ({
        openid: DEMO_PERSONAS.manager,
        data: { storeId: DEMO_STORES.xuhui, kind: 'poster', name: `测压海报${benchNames++}` },
      })),
  },
  {
    fn: 'staff',
    action: 'closeChannel',
    // Channels to close, opened before the clock starts.
    prepare: async (env, n) => {
      const calls: BenchCall[] = []
      for (let made = 0; made < n; made++) {
        const data = { storeId: DEMO_STORES.xuhui, kind: 'event', name: `测压活动${benchNames++}` }
        const opened = await env.call('staff', 'createChannel', DEMO_PERSONAS.manager, data)
        if (!opened.ok) throw new Error(`createChannel: ${opened.code}`)
        const { code } = (opened.data as { channel: { code: string } }).channel
        calls.push({ openid: DEMO_PERSONAS.manager, data: { code } })
      }
      return calls
    },
  },
  {
    fn: 'staff',
    action: 'listPartners',
    // The showcase register: three entries.
    prepare: async (_env, n) => Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.privacyOfficer })),
  },
  {
    fn: 'staff',
    action: 'createPartner',
    prepare: async (_env, n) =>
      Array.from({ length: n }, () => benchNames++).map((i) => ({
        openid: DEMO_PERSONAS.privacyOfficer,
        data: {
          name: `测压供应商${i}`,
          kind: 'supplier',
          reach: ['sms'],
          agreementRef: `NDA-BENCH-${i}`,
          agreementSignedOn: '2024-01-01',
          agreementExpiresOn: '2026-12-31',
          certLevel: '3',
          certRef: `CERT-BENCH-${i}`,
          certExpiresOn: '2026-12-31',
        },
      })),
  },
  {
    fn: 'member',
    action: 'deleteAccount',
    // A deletion cannot be repeated: one member per call, all made before the clock starts.
    // Each with the code sent to the phone on file.
    prepare: async (env, n) => {
      const calls: BenchCall[] = []
      for (const openid of await env.newMembers(n))
        calls.push({ openid, data: { confirm: true, smsCode: await env.codeVia(openid, 'sendDeleteCode') } })
      return calls
    },
  },
  {
    fn: 'member',
    action: 'pointsHistory',
    async prepare(env, n) {
      const members = await withPoints(env)
      return Array.from({ length: n }, (_v, i) => ({ openid: members[i % members.length], data: {} }))
    },
  },
  asMember('member', 'rewards'),
  {
    fn: 'member',
    action: 'redeem',
    async prepare(env, n) {
      const members = await withPoints(env)
      return Array.from({ length: n }, (_v, i) => redeemCall(members[i % members.length]))
    },
  },
  asMember('member', 'vouchers'),
  {
    fn: 'staff',
    action: 'verifyVoucher',
    async prepare(env, n) {
      const members = await withPoints(env)
      const calls: BenchCall[] = []
      for (let i = 0; i < n; i++) {
        const answer = await env.call('member', 'redeem', members[i % members.length], redeemCall('').data)
        if (!answer.ok) throw new Error(`member.redeem failed: ${answer.code}`)
        const { code } = (answer.data as { voucher: { code: string } }).voucher
        calls.push({ openid: DEMO_PERSONAS.counter, data: { code } })
      }
      return calls
    },
  },
  // Points at the counter: a pool member's receipt previewed, then awarded (one receipt a call).
  {
    fn: 'staff',
    action: 'previewPurchase',
    async prepare(env, n) {
      const { ref } = await lookedUp(env)
      const data = { ref, amountFen: 60_000, counterId: 'counter-xh-lancome' }
      return Array.from({ length: n }, () => ({ openid: DEMO_PERSONAS.counter, data }))
    },
  },
  {
    fn: 'staff',
    action: 'awardPoints',
    async prepare(env, n) {
      // Tills serve different shoppers at once: one member's balance is not written by 16 tills.
      const refs: string[] = []
      for (let i = 0; i < AWARD_MEMBERS; i += 1) refs.push((await lookedUp(env, i)).ref)
      const run = Date.now().toString(36).toUpperCase()
      return Array.from({ length: n }, (_v, i) => ({
        openid: DEMO_PERSONAS.counter,
        data: { ref: refs[i % refs.length], receiptNo: `B${run}-${i}`, amountFen: 12_345 },
      }))
    },
  },
  asManager('pointsReport', {
    from: chinaDate(Date.now() - 30 * 86_400_000),
    to: chinaDate(Date.now()),
  }),
  // 小票积分: pool members submit receipt photos (uploaded as the page does), then the counter
  // approves claims. Few calls: a member may have 10 claims waiting.
  {
    fn: 'member',
    action: 'submitReceipt',
    calls: (quick) => (quick ? 16 : 64),
    async prepare(env, n) {
      const members = await memberPool(env)
      return Array.from({ length: n }, (_v, i) => {
        const openid = members[i % members.length]
        return { openid, data: receiptClaim(env, openid) }
      })
    },
  },
  {
    fn: 'staff',
    action: 'reviewReceipt',
    calls: (quick) => (quick ? 16 : 64),
    async prepare(env, n) {
      const members = await memberPool(env)
      const calls: BenchCall[] = []
      for (let i = 0; i < n; i++) {
        const openid = members[(i + 7) % members.length]
        const answer = await env.call('member', 'submitReceipt', openid, receiptClaim(env, openid))
        if (!answer.ok) throw new Error(`member.submitReceipt failed: ${answer.code}`)
        const { id } = (answer.data as { claim: { id: string } }).claim
        calls.push({ openid: DEMO_PERSONAS.counter, data: { claimId: id, decision: 'approve' } })
      }
      return calls
    },
  },
  asMember('member', 'tier'),
]

let receiptClaims = 0

/** A receipt photo uploaded for `openid` (as the page uploads it) and the claim that names it. */
function receiptClaim(env: BenchEnv, openid: string): Record<string, unknown> {
  const n = receiptClaims++
  const photo = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(256)])
  const { fileID } = env.cloud.storage.upload(
    `receipts/${randomBytes(12).toString('hex')}.png`,
    photo,
    openid,
  )
  return {
    storeId: DEMO_STORES.xuhui,
    receiptNo: `BR${Date.now().toString(36).toUpperCase()}-${n}`,
    amountFen: 25_680,
    date: chinaDate(Date.now()),
    fileId: fileID,
  }
}

/** Rows per card-import call: a full batch, as the page sends them. */
export const IMPORT_BENCH_ROWS = IMPORT_BATCH_ROWS

let importedCards = 0

/** `n` batches of new cards for the demo store, each a full batch of rows never imported before. */
function cardBatches(n: number): BenchCall[] {
  return Array.from({ length: n }, () => ({
    openid: DEMO_PERSONAS.manager,
    data: {
      storeId: DEMO_STORES.xuhui,
      rows: Array.from({ length: IMPORT_BENCH_ROWS }, (_v, k) => {
        const i = importedCards++
        return {
          row: k + 2,
          cardNo: `64${String(i).padStart(14, '0')}`,
          phone: `135${String(i).padStart(8, '0')}`,
          name: '测试持卡人',
          tier: i % 5 === 0 ? 'VIP' : '普通',
          points: String(i % 1000),
        }
      }),
    },
  }))
}

/** Card import (staff): a dry run and an import of a full batch each call; rows/s = calls/s × IMPORT_BENCH_ROWS. */
ACTION_CASES.push(
  {
    fn: 'staff',
    action: 'dryRunCardImport',
    label: 'rows500',
    heavy: true,
    prepare: async (_env, n) => cardBatches(n),
  },
  {
    fn: 'staff',
    action: 'importCards',
    label: 'rows500',
    heavy: true,
    prepare: async (_env, n) => cardBatches(n),
  },
  {
    // A 商圈 payment notice for a member: verified, decrypted, earned, sync queued.
    fn: 'wxpay',
    action: 'transactionNotice',
    async prepare(env, n) {
      const members = await memberPool(env)
      return Array.from({ length: n }, (_v, i) => ({
        openid: '',
        data: buildNotice(BENCH_WXPAY_KEYS, {
          kind: 'transaction',
          openid: members[i % members.length],
          amountFen: 10000 + i,
          transactionId: `4200bench${Date.now().toString(36)}${i}`,
        }),
      }))
    },
  },
)

/**
 * POS pushes to the ingest function (HTTP access): a purchase by the phone's blind index, one
 * receipt a call, for members in turn, signed at call time as a till signs it; calls/s is events/s.
 */
ACTION_CASES.push({
  fn: 'ingest',
  action: 'posPurchase',
  async prepare(env, n) {
    const db = asDb(env.cloud.database(DB_OPTIONS))
    const keyDb = asDb(env.cloud.database({ ...DB_OPTIONS, env: env.cloud.keyEnv }))
    const vault = vaultFromEnv(process.env)
    const device = await createDevices({ db, keyDb: () => keyDb, vault, clock: systemClock }).register({
      kind: 'pos',
      storeId: DEMO_STORES.xuhui,
    })
    const phones: string[] = []
    for (let i = 0; i < AWARD_MEMBERS; i += 1) {
      const openid = env.newOpenid()
      const phone = env.newPhone()
      const smsCode = await env.sendCode(openid, phone)
      const joined = await env.call('member', 'join', openid, { ...env.joinForm(phone), smsCode })
      if (!joined.ok) throw new Error(`join failed: ${joined.code}`)
      phones.push(vault.blindIndex('phone', phone))
    }
    const run = Date.now().toString(36).toUpperCase()
    return Array.from({ length: n }, (_v, i) => ({
      openid: '',
      data: {
        deviceId: device.deviceId,
        secret: device.secret,
        body: {
          type: 'purchase',
          receiptNo: `P${run}-${i}`,
          amountFen: 12_345,
          at: new Date().toISOString(),
          member: { phoneIndex: phones[i % phones.length] },
        },
      },
    }))
  },
  async invoke(env, call) {
    const { deviceId, secret, body } = call.data as { deviceId: string; secret: string; body: object }
    const path = '/ingest/pos'
    const text = JSON.stringify(body)
    const timestamp = String(Math.floor(Date.now() / 1000))
    const nonce = randomBytes(16).toString('base64url')
    const signature = sign(Buffer.from(secret, 'base64'), {
      method: 'POST',
      path,
      timestamp,
      nonce,
      body: text,
    })
    const headers = {
      'x-device-id': deviceId,
      'x-timestamp': timestamp,
      'x-nonce': nonce,
      'x-signature': signature,
    }
    const event = {
      path,
      httpMethod: 'POST',
      headers,
      queryStringParameters: {},
      body: text,
      isBase64Encoded: false,
    }
    const answer = (await env.cloud.invoke('ingest', event, { OPENID: '', SOURCE: 'http' })) as {
      body: string
    }
    return JSON.parse(answer.body) as Answer
  },
})

export const caseName = (c: ActionCase): string => `${c.fn}.${c.action}${c.label ? `:${c.label}` : ''}`

/** Parking (issue #12): car-park events per second with database operations per event, the fee. */
ACTION_CASES.push(...PARKING_CASES)

/** The desk waives a session's fee: one unpaid session each, counter staff within their daily allowance. */
ACTION_CASES.push({
  fn: 'staff',
  action: 'waiveParking',
  async prepare(env, n) {
    const sessionIds = await unpaidSessions(env, n)
    const staff = await revealers(env, n, WAIVE_DAILY_LIMIT)
    return sessionIds.map((sessionId, i) => ({
      openid: staff[Math.floor(i / WAIVE_DAILY_LIMIT)],
      data: { sessionId, reasonCode: 'deviceFault', key: `bench-${i}` },
    }))
  },
})

/** Paying for parking (issue #12): the payment with its order, and WeChat Pay's result. */
ACTION_CASES.push(...PARKPAY_CASES)

/** The rewards catalogue kept in the staff tab (issue #11): the demo store's manager at work. */
const BENCH_CATALOGUE_ENTRY = {
  kind: 'coupon',
  points: 300,
  perMemberLimit: 2,
  validDays: 30,
  tiers: [],
  storeIds: [DEMO_STORES.xuhui],
  status: 'active',
}

/** A reward of the demo store the manager keeps, made before the clock starts. */
async function managersReward(env: BenchEnv): Promise<string> {
  const made = await env.call('staff', 'saveReward', DEMO_PERSONAS.manager, {
    key: `bench-reward-${benchNames++}-${Date.now()}`,
    stock: 100,
    name: '测压礼品',
    ...BENCH_CATALOGUE_ENTRY,
  })
  if (!made.ok) throw new Error(`staff.saveReward failed: ${made.code}`)
  return (made.data as { reward: { id: string } }).reward.id
}

ACTION_CASES.push(
  asManager('rewardCatalogue'),
  {
    fn: 'staff',
    action: 'saveReward',
    prepare: async (_env, n) =>
      Array.from({ length: n }, () => benchNames++).map((i) => ({
        openid: DEMO_PERSONAS.manager,
        data: {
          key: `bench-reward-${i}-${Date.now()}`,
          stock: 10,
          name: `测压礼品${i}`,
          ...BENCH_CATALOGUE_ENTRY,
        },
      })),
  },
  {
    fn: 'staff',
    action: 'saveReward',
    label: 'update',
    async prepare(env, n) {
      const rewardId = await managersReward(env)
      return Array.from({ length: n }, (_, i) => ({
        openid: DEMO_PERSONAS.manager,
        data: { rewardId, name: '测压礼品', ...BENCH_CATALOGUE_ENTRY, points: 100 + (i % 100) },
      }))
    },
  },
  {
    fn: 'staff',
    action: 'restockReward',
    async prepare(env, n) {
      const rewardId = await managersReward(env)
      return Array.from({ length: n }, (_, i) => ({
        openid: DEMO_PERSONAS.manager,
        data: { rewardId, amount: 1, key: `bench-restock-${i}` },
      }))
    },
  },
)
