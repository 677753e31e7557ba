/**
 * Shared set-up for function tests: a fresh local-cloud per test with the manifest and the demo
 * seed, test keys in the environment (the function reads them like in production, the key
 * environment's id in PI_KEY_ENV), a manual clock, and helpers to call the `member` function and
 * to inspect both databases (main and key environment).
 */
import { randomBytes } from 'node:crypto'

import { manualClock, type ManualClock } from '../../cloudfunctions/common/clock'
import { createAuditLog, type AuditLog } from '../../cloudfunctions/common/audit'
import { auditSignerFromEnv, createAuditChain, type AuditSigner } from '../../cloudfunctions/common/chain'
import { asDb, DB_OPTIONS, type Db, type Doc } from '../../cloudfunctions/common/db'
import { createKeyStore, type KeyStore } from '../../cloudfunctions/common/keystore'
import { vaultFromEnv, type Vault } from '../../cloudfunctions/common/vault'
import { createMain, type MemberFunctionOptions } from '../../cloudfunctions/member/index'
import {
  MEMBER_NO_BLOCK,
  wireMember,
  type MemberDeps,
  type MemberWiringInput,
} from '../../cloudfunctions/member/wiring'
import { createBlockSequence } from '../../cloudfunctions/common/sequence'
import { createStoreDirectory } from '../../cloudfunctions/common/stores'
import { createCallerCache } from '../../cloudfunctions/common/members/callers'
import { createMain as createStaffMain } from '../../cloudfunctions/staff/index'
import * as wxCloud from 'wx-server-sdk'
import { createFileStore, type StorageApi } from '../../cloudfunctions/common/files'
import { createMain as createWxEventsMain } from '../../cloudfunctions/wxevents/index'
import { createMain as createCampaignMain } from '../../cloudfunctions/campaign/index'
import { manifest } from '../../database/manifest'
import { DEMO_STORES, seedDemo } from '../../database/seed'
import type { Manifest } from '../../local-cloud/manifest'
import { createTestCloud, shuffleSeedFor, type LocalCloud } from '../../local-cloud/testing'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'

/** 10:00 in Shanghai on 2024-06-15. */
export const START = '2024-06-15T02:00:00.000Z'
export const TODAY = '2024-06-15'

export const VALID_FORM = {
  name: '张三',
  gender: 'female',
  province: '31',
  storeId: DEMO_STORES.xuhui,
  birthDate: '1990-05-17',
  phone: '13812345678',
  noticeVersion: NOTICE_VERSION,
}

export type Answer =
  { ok: true; data: Record<string, unknown> } | { ok: false; code: string; message: string; field?: string }

/** The data of a successful answer; throws (failing the test) on a failure. */
export function dataOf<T>(answer: Answer): T {
  if (!answer.ok) throw new Error(`expected success, got ${answer.code}`)
  return answer.data as T
}

/** Fresh random keys in the environment, as the function reads them in production. */
export function installTestKeys(): void {
  process.env.PI_MASTER_KEY = randomBytes(32).toString('base64')
  process.env.PI_INDEX_KEY = randomBytes(32).toString('base64')
  process.env.AUDIT_SIGNING_KEY = randomBytes(32).toString('base64')
  delete process.env.PI_MASTER_KEY_ID
  delete process.env.PI_RETIRED_MASTER_KEYS
}

export interface TestEnv {
  cloud: LocalCloud
  clock: ManualClock
  db: Db
  /** The key environment's database (member_keys). */
  keyDb: Db
  vault: Vault
  /** The audit signing key the functions use (AUDIT_SIGNING_KEY). */
  signer: AuditSigner
  /** An audit log over `db` with a chain of its own, as a function instance has it. */
  audit(): AuditLog
  /** A fresh key store over `keyDb`, as one function call has it. */
  keys(): KeyStore
  call(openid: string, action: string, data?: unknown): Promise<Answer>
  /** Sends a join code to `phone` as `openid` and answers the code from the SMS outbox. */
  sendCode(openid: string, phone?: string): Promise<string>
  /** The code of the newest SMS to `phone`. */
  lastCode(phone: string): string | undefined
  /** Asks for a code and joins with it. */
  join(openid: string, form?: Record<string, unknown>): Promise<Answer>
  counts(): Promise<Record<string, number>>
  /** Every document of every collection of both environments, as one JSON text. */
  dump(): Promise<string>
  /** Every document of a collection, in whichever environment the manifest puts it. */
  all(collection: string): Promise<Doc[]>
  /** Joins `openid` with `phone` and answers the new member's id. */
  member(openid: string, form?: Record<string, unknown>): Promise<string>
  /** The member id of `openid`, from its claim. */
  memberIdOf(openid: string): Promise<string | null>
  /** Turns an extended purpose on for a member. */
  grant(openid: string, purpose: string): Promise<void>
  /** Asks `action` for a code to `phone` and answers it from the outbox. */
  codeVia(openid: string, action: string, data: Record<string, unknown>, phone: string): Promise<string>
  /** Cancels the account as the member does: a code to the phone on file (`phone`), then the deletion. */
  deleteAccount(openid: string, phone?: string): Promise<Answer>
  /** Sends a card code to the phone on `card` and binds it with that code (`extra`: more data). */
  bindCard(
    openid: string,
    card: { cardNo: string; phone: string },
    extra?: Record<string, unknown>,
  ): Promise<Answer>
  /**
   * The member function built with other dependencies (an SMS service that accepts any code,
   * another openapi …), called as `openid` like `call`.
   */
  memberWith(
    overrides: Omit<MemberFunctionOptions, 'clock'>,
  ): (openid: string, action: string, data?: unknown) => Promise<Answer>
  /** What the member actions run with, over this cloud's databases, for tests of one part. */
  deps(overrides?: Partial<MemberWiringInput>): MemberDeps
}

/**
 * An answer with an error code its action does not declare fails the call (INTERNAL, logged):
 * the contract's error lists stay complete.
 */
function undeclared(action: string, code: string): never {
  throw new Error(`member.${action} answered ${code}, which its contract does not declare`)
}

let functionCount = 0

export async function createTestEnv(
  options: { manifest?: Manifest; dataDir?: string } = {},
): Promise<TestEnv> {
  installTestKeys()
  const clock = manualClock(START)
  const cloud = createTestCloud({
    manifest: options.manifest ?? manifest,
    // CloudBase answers a get() without orderBy in no particular order: neither do the tests.
    shuffleUnordered: shuffleSeedFor(expect.getState().currentTestName ?? ''),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    functions: {
      member: () => ({ main: createMain({ clock, onUndeclared: undeclared }) }),
      staff: () => ({ main: createStaffMain({ clock, onUndeclared: undeclared }) }),
      wxevents: () => ({ main: createWxEventsMain({ clock }) }),
      campaign: () => ({ main: createCampaignMain({ clock, onUndeclared: undeclared }) }),
    },
  })
  process.env.PI_KEY_ENV = cloud.keyEnv
  await seedDemo(cloud.database(), { keyDatabase: cloud.database({ env: cloud.keyEnv }) })
  const db = asDb(cloud.database(DB_OPTIONS))
  const keyDb = asDb(cloud.database({ ...DB_OPTIONS, env: cloud.keyEnv }))
  const vault = vaultFromEnv(process.env)
  const signer = auditSignerFromEnv(process.env)
  const declared = (options.manifest ?? manifest).collections
  const collections = declared.map((c) => c.name)
  const dbOf = (collection: string) =>
    declared.find((c) => c.name === collection)?.env === 'keys' ? keyDb : db

  const call = async (openid: string, action: string, data?: unknown) =>
    (await cloud.invoke('member', data === undefined ? { action } : { action, data }, {
      OPENID: openid,
    })) as Answer

  function lastCode(phone: string): string | undefined {
    const sms = cloud.outbox
      .list({ kind: 'sms' })
      .find((item) =>
        (item.payload as { phone_number_list: string[] }).phone_number_list.includes(`+86${phone}`),
      )
    return (sms?.payload as { template_param_list?: string[] } | undefined)?.template_param_list?.[0]
  }

  async function sendCode(openid: string, phone = VALID_FORM.phone): Promise<string> {
    const sent = await call(openid, 'sendJoinCode', { phone })
    if (!sent.ok) throw new Error(`sendJoinCode failed: ${sent.code}`)
    const code = lastCode(phone)
    if (!code) throw new Error('no SMS in the outbox')
    return code
  }

  async function codeVia(openid: string, action: string, data: Record<string, unknown>, phone: string) {
    const sent = await call(openid, action, data)
    if (!sent.ok) throw new Error(`${action} failed: ${sent.code}`)
    const code = lastCode(phone)
    if (!code) throw new Error('no SMS in the outbox')
    return code
  }

  async function all(collection: string): Promise<Doc[]> {
    const docs: Doc[] = []
    for (;;) {
      const { data } = await dbOf(collection)
        .collection(collection)
        .orderBy('_id', 'asc')
        .skip(docs.length)
        .limit(1000)
        .get()
      docs.push(...data)
      if (data.length < 1000) return docs
    }
  }

  return {
    cloud,
    clock,
    db,
    keyDb,
    vault,
    signer,
    audit: () => createAuditLog({ db, signer, clock }),
    keys: () => createKeyStore({ db: keyDb, vault, clock }),
    call,
    sendCode,
    lastCode,
    async join(openid, form = VALID_FORM) {
      const phone = typeof form.phone === 'string' ? form.phone : VALID_FORM.phone
      const smsCode = await sendCode(openid, phone)
      return call(openid, 'join', { ...form, smsCode })
    },
    async counts() {
      const out: Record<string, number> = {}
      for (const name of collections) out[name] = (await dbOf(name).collection(name).count()).total
      return out
    },
    async dump() {
      const out: Record<string, Doc[]> = {}
      for (const name of collections) out[name] = await all(name)
      return JSON.stringify(out)
    },
    all,
    async member(openid, form = VALID_FORM) {
      const phone = typeof form.phone === 'string' ? form.phone : VALID_FORM.phone
      const smsCode = await sendCode(openid, phone)
      const answer = await call(openid, 'join', { ...form, smsCode })
      if (!answer.ok) throw new Error(`join failed: ${answer.code}`)
      const claim = await db
        .collection('identity_index')
        .doc(`openid:${vault.blindIndex('openid', openid)}`)
        .get()
      return String((claim.data as Doc).memberId)
    },
    async memberIdOf(openid) {
      const claim = await db
        .collection('identity_index')
        .doc(`openid:${vault.blindIndex('openid', openid)}`)
        .get()
      return claim.data ? String((claim.data as Doc).memberId) : null
    },
    async grant(openid, purpose) {
      const answer = await call(openid, 'setConsent', {
        purpose,
        granted: true,
        noticeVersion: NOTICE_VERSION,
      })
      if (!answer.ok) throw new Error(`setConsent failed: ${answer.code}`)
    },
    codeVia,
    async deleteAccount(openid, phone = VALID_FORM.phone) {
      const smsCode = await codeVia(openid, 'sendDeleteCode', {}, phone)
      return call(openid, 'deleteAccount', { confirm: true, smsCode })
    },
    async bindCard(openid, card, extra = {}) {
      const smsCode = await codeVia(
        openid,
        'sendCardCode',
        { cardNo: card.cardNo, phone: card.phone },
        card.phone,
      )
      return call(openid, 'bindCard', { cardNo: card.cardNo, phone: card.phone, smsCode, ...extra })
    },
    memberWith(overrides) {
      const name = `member${++functionCount}`
      cloud.register(name, () => ({ main: createMain({ clock, onUndeclared: undeclared, ...overrides }) }))
      return async (openid, action, data) =>
        (await cloud.invoke(name, data === undefined ? { action } : { action, data }, {
          OPENID: openid,
        })) as Answer
    },
    deps(overrides = {}) {
      return wireMember({
        db,
        keyDb,
        vault,
        auditSigner: signer,
        auditChain: createAuditChain(),
        clock,
        openapi: cloud.sdk().openapi as never,
        templates: {},
        smsConfig: { env: cloud.env, templateId: 'test-template' },
        memberNumbers: createBlockSequence('memberNo', MEMBER_NO_BLOCK),
        stores: createStoreDirectory(clock),
        callers: createCallerCache(),
        files: createFileStore(wxCloud as unknown as StorageApi),
        ...overrides,
      })
    },
  }
}

/** A new, unique shopper OPENID. */
export function shopper(): string {
  return `o-test-${randomBytes(9).toString('base64url')}`
}
