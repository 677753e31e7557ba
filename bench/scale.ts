/**
 * Realistic members in bulk, for scale tests: for each member the pseudonymous record, the
 * identity document encrypted through the real vault (same keys as the functions), its wrapped
 * data key in the key environment, the phone and OPENID uniqueness claims, the consent receipt,
 * the audit entries of its creation and their day document — the documents `join` writes, in
 * the same shapes. Inserted in batches through local-cloud's wire handler (the SDK's
 * insertDocument request with many documents), which skips only the function and the SDK's
 * serialisation.
 */
import { randomBytes } from 'node:crypto'

import { auditDayId, auditRowKey, wechatActor, type AuditEvent } from '../cloudfunctions/common/audit'
import {
  auditSignerFromEnv,
  chainHead,
  chainId,
  sealEntries,
  type AuditSigner,
  type ChainState,
} from '../cloudfunctions/common/chain'
import { COLLECTIONS } from '../cloudfunctions/common/db'
import { keyDocument, memberKey } from '../cloudfunctions/common/keystore'
import { vaultFromEnv, type Vault } from '../cloudfunctions/common/vault'
import { DEMO_STORES } from '../database/seed'
import { toWire } from '../local-cloud/codec'
import type { LocalCloud } from '../local-cloud/runtime'
import { chinaDate } from '../src/domain/dates'
import { formatMemberNo } from '../src/domain/member/rules'
import { type Tier } from '../src/domain/member/model'
import { NOTICE_VERSION } from '../src/domain/consent/purposes'

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗'
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂'
const TIERS: Tier[] = ['normal', 'normal', 'normal', 'normal', 'normal', 'normal', 'vip', 'vip', 'vvip']
const STORES = [DEMO_STORES.xuhui, DEMO_STORES.pudong]
const PROVINCES = ['31', '32', '33', '34', '11', '44']
const START = Date.UTC(2023, 0, 1)
const SPAN = 700 * 24 * 3600_000

/** The generated member number `i` (0-based) uses this phone and OPENID. */
export const generatedPhone = (i: number): string => `15${String(i).padStart(9, '0')}`
export const generatedOpenid = (i: number): string => `o-gen-${i}`
export const generatedMemberNo = (i: number): string => formatMemberNo(i + 1)

export type Batch = Record<string, unknown[]>

/** The generated audit entries go on one chain, as if one function instance had written them. */
interface Sealing {
  signer: AuditSigner
  chain: ChainState
}

function memberDocs(vault: Vault, sealing: Sealing, i: number, batch: Batch): void {
  const memberId = randomBytes(16).toString('hex')
  const phone = generatedPhone(i)
  const openid = generatedOpenid(i)
  const joinedAt = new Date(START + ((i * 2_654_435_761) % SPAN))
  const name = SURNAMES[i % SURNAMES.length] + GIVEN[(i * 7) % GIVEN.length] + GIVEN[(i * 13) % GIVEN.length]
  const channel = i % 4 === 0 ? 'h5' : 'weapp'
  batch[COLLECTIONS.members].push({
    _id: memberId,
    memberNo: generatedMemberNo(i),
    tier: TIERS[i % TIERS.length],
    points: (i * 37) % 20_000,
    storeId: STORES[i % STORES.length],
    gender: i % 2 === 0 ? 'female' : 'male',
    province: PROVINCES[i % PROVINCES.length],
    channel,
    status: 'active',
    consents: { membership: { granted: true, noticeVersion: NOTICE_VERSION, at: joinedAt } },
    joinedAt,
  })
  const { cipher, ...wrapped } = vault.createMemberKey(memberId)
  batch[COLLECTIONS.memberKeys].push(keyDocument(memberKey(memberId), wrapped, joinedAt))
  const birthDate = `${1960 + (i % 45)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`
  const phoneIndex = vault.blindIndex('phone', phone)
  const openidIndex = vault.blindIndex('openid', openid)
  batch[COLLECTIONS.identities].push({
    _id: memberId,
    fields: {
      name: cipher.encrypt('name', name),
      phone: cipher.encrypt('phone', phone),
      birthDate: cipher.encrypt('birthDate', birthDate),
    },
    phoneIndex,
    openidIndex,
    createdAt: joinedAt,
    updatedAt: joinedAt,
  })
  batch[COLLECTIONS.identityIndex].push(
    { _id: `phone:${phoneIndex}`, kind: 'phone', memberId, at: joinedAt },
    { _id: `openid:${openidIndex}`, kind: 'openid', memberId, at: joinedAt },
  )
  batch[COLLECTIONS.consentReceipts].push({
    memberId,
    purpose: 'membership',
    noticeVersion: NOTICE_VERSION,
    granted: true,
    at: joinedAt,
    channel,
  })
  const actor = wechatActor(vault, openid)
  const created = (fields: AuditEvent['fields']): AuditEvent => ({
    actor,
    action: 'create',
    purpose: 'membership',
    memberId,
    fields,
    success: true,
  })
  const events = [created(['openid', 'name', 'phone', 'birthDate']), created(['gender', 'province'])]
  const day = chinaDate(joinedAt.getTime())
  const rows: Record<string, unknown> = {}
  const { docs, next } = sealEntries(
    sealing.signer,
    sealing.chain,
    events.map((event) => ({ ...event, at: joinedAt })),
  )
  sealing.chain = next
  batch[COLLECTIONS.auditLog].push(...docs)
  for (const event of events) {
    const { memberId: _m, ...row } = event
    rows[auditRowKey(event)] = { ...row, count: 1 }
  }
  batch[COLLECTIONS.auditDays].push({ _id: auditDayId(memberId, day), memberId, day, rows })
}

export interface GenerateReport {
  members: number
  documents: number
  seconds: number
  membersPerSecond: number
  documentsPerSecond: number
}

export async function insertAll(cloud: LocalCloud, batch: Batch): Promise<number> {
  let count = 0
  for (const [collectionName, docs] of Object.entries(batch)) {
    if (docs.length === 0) continue
    const env = collectionName === COLLECTIONS.memberKeys ? cloud.keyEnv : undefined
    const answer = (await cloud.wire(
      'database.insertDocument',
      { collectionName, data: docs.map(toWire) },
      env,
    )) as { code?: string; message?: string }
    if (answer.code) throw new Error(`insert into ${collectionName} failed: ${answer.message}`)
    count += docs.length
    docs.length = 0
  }
  return count
}

/**
 * Adds `count` members (numbers 1…count) and moves the member-number sequence past them so
 * that `join` continues from there. Expects a fresh environment (no members yet).
 */
export async function generateMembers(
  cloud: LocalCloud,
  count: number,
  options: { batchSize?: number; onProgress?: (done: number) => void } = {},
): Promise<GenerateReport> {
  const vault = vaultFromEnv(process.env)
  const sealing: Sealing = {
    signer: auditSignerFromEnv(process.env),
    chain: { id: chainId(1), seq: -1, mac: '', at: null },
  }
  const batchSize = options.batchSize ?? 2000
  const batch: Batch = {
    [COLLECTIONS.members]: [],
    [COLLECTIONS.identities]: [],
    [COLLECTIONS.memberKeys]: [],
    [COLLECTIONS.identityIndex]: [],
    [COLLECTIONS.consentReceipts]: [],
    [COLLECTIONS.auditLog]: [],
    [COLLECTIONS.auditDays]: [],
  }
  const started = process.hrtime.bigint()
  let documents = 0
  for (let i = 0; i < count; i++) {
    memberDocs(vault, sealing, i, batch)
    if ((i + 1) % batchSize === 0 || i === count - 1) {
      documents += await insertAll(cloud, batch)
      options.onProgress?.(i + 1)
    }
  }
  const db = cloud.database()
  await db
    .collection(COLLECTIONS.auditChains)
    .add({ data: chainHead(sealing.signer, sealing.chain, new Date(START)) })
  await db
    .collection(COLLECTIONS.counters)
    .doc('memberNo')
    .set({ data: { value: count } })
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  return {
    members: count,
    documents,
    seconds,
    membersPerSecond: count / seconds,
    documentsPerSecond: documents / seconds,
  }
}
