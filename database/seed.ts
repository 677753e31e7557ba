/**
 * Demo data for `npm start`'s first run: the mall (controller of the personal information),
 * two open stores and a closed one, brand counters and the channels to join through, the points
 * rule, a small rewards catalogue, the partners register and four staff personas (with the keys:
 * their documents are keyed by their OPENIDs' blind index). No WeChat shopper: shoppers join
 * through the app. With the keys in
 * the environment (PI_MASTER_KEY, PI_INDEX_KEY) and the key environment's database it also
 * issues three service-desk cards (made-up people, encrypted like real ones: each card's data
 * key in the key store, `member_keys/card:<card id>`) with their points history, for "绑定会员卡".
 *
 * Idempotent: every document has a fixed `_id` and is only added when missing, so a second run
 * changes nothing (and keeps whatever a manager edited since, a card bound since included).
 */
import { createAuditLog } from '../cloudfunctions/common/audit'
import { auditSignerFromEnv } from '../cloudfunctions/common/chain'
import { addUnique, asDb, COLLECTIONS, type Db } from '../cloudfunctions/common/db'
import { createDevices } from '../cloudfunctions/common/devices'
import { createParkingSessions } from '../cloudfunctions/common/parking/sessions'
import { createTariffBook } from '../cloudfunctions/common/parking/tariffs'
import { cardKey, createKeyStore, keyDocId, wrappedKeyOf } from '../cloudfunctions/common/keystore'
import { staffDocId } from '../cloudfunctions/common/staff'
import { partnerIdOf } from '../cloudfunctions/staff/partners'
import { chinaDate } from '../src/domain/dates'
import { vaultFromEnv, VaultConfigError, type Vault } from '../cloudfunctions/common/vault'
import { DEFAULT_LOT_POLICY } from '../src/domain/points/lots'
import { DEMO_EARNING_RULES, rulesVersionId } from '../src/domain/points/versions'
import { DEMO_PARKING_RULES, DEMO_PARKING_TARIFF, tariffVersionId } from '../src/domain/parking/tariffs'

/** The demo rules score every purchase the demo can make. */
export const DEMO_RULES_FROM = '2020-01-01T00:00:00.000Z'

/**
 * OPENIDs of the staff personas the local server offers (counter staff, store manager, privacy
 * officer, mall admin).
 */
export const DEMO_PERSONAS = {
  counter: 'dev-counter-openid',
  manager: 'dev-manager-openid',
  privacyOfficer: 'dev-privacy-officer-openid',
  admin: 'dev-admin-openid',
  finance: 'dev-finance-openid',
} as const

export const DEMO_STORES = {
  xuhui: 'store-xuhui',
  pudong: 'store-pudong',
  closed: 'store-jingan',
} as const

/** The demo store's car park; its plate-recognition system posts through `ingest`. */
export const DEMO_CAR_PARK = { carParkId: 'carpark-xuhui', storeId: DEMO_STORES.xuhui } as const

/** Demo channels: their codes are what the demo mini-program codes' scenes carry. */
export const DEMO_CHANNELS = {
  lancome: 'Xh7a',
  estee: 'Xh8e',
  xuhuiDesk: 'XhDk',
  nike: 'Pd6n',
  pudongDesk: 'PdDk',
  closedPoster: 'XhPs',
} as const

type SeedDoc = Record<string, unknown> & { _id: string }

/** Cards issued at the service desk before any WeChat user (4.2.2.1); made-up people. */
export const DEMO_CARDS = [
  {
    cardNo: '6200000000000001',
    name: '王芳',
    phone: '13700000001',
    storeId: 'store-xuhui',
    status: 'issued',
    history: [
      { delta: 100, reason: 'card_opening', note: '开卡赠送积分', at: '2023-03-01T02:00:00.000Z' },
      { delta: 680, reason: 'purchase', note: '徐汇店消费', at: '2023-08-12T06:30:00.000Z' },
      { delta: 500, reason: 'purchase', note: '徐汇店消费', at: '2024-01-20T07:15:00.000Z' },
    ],
  },
  {
    cardNo: '6200000000000002',
    name: '李雷',
    phone: '13700000002',
    storeId: 'store-pudong',
    status: 'issued',
    history: [{ delta: 350, reason: 'purchase', note: '浦东店消费', at: '2023-11-05T04:00:00.000Z' }],
  },
  {
    cardNo: '6200000000000003',
    name: '赵敏',
    phone: '13700000003',
    storeId: 'store-xuhui',
    status: 'cancelled',
    history: [],
  },
  {
    cardNo: '6200000000000004',
    name: '孙丽',
    phone: '13700000004',
    storeId: 'store-xuhui',
    status: 'issued',
    history: [{ delta: 520, reason: 'purchase', note: '徐汇店消费', at: '2024-02-10T05:00:00.000Z' }],
  },
] as const

/**
 * Issues the demo cards that do not exist yet: the card's data key first (or the one a run that
 * stopped half-way left), then the card encrypted under it, then its history. A card that exists
 * is left alone, its key too (a bound card has none any more). Answers the documents added.
 */
async function seedCards(db: Db, keyDb: Db, vault: Vault, at: Date): Promise<number> {
  const keys = createKeyStore({ db: keyDb, vault, clock: { now: () => at.getTime() } })
  // Queries rather than doc().get(): the databases may be opened with throwOnNotFound.
  const find = async (target: Db, collection: string, _id: string) =>
    (await target.collection(collection).where({ _id }).limit(1).get()).data[0]
  let added = 0
  for (const card of DEMO_CARDS) {
    const _id = vault.blindIndex('card', card.cardNo)
    const existing = await find(db, COLLECTIONS.cards, _id)
    // A bound card's history is the member's; a deleted member's card keeps none (erasure.ts).
    if (existing && existing.status !== 'issued') continue
    if (!existing) {
      const owner = cardKey(_id)
      const left = wrappedKeyOf(await find(keyDb, COLLECTIONS.memberKeys, keyDocId(owner)))
      let cipher = left && vault.openMemberKey(_id, left)
      if (!cipher) {
        cipher = await keys.create(owner)
        added++
      }
      const points = card.history.reduce((sum, entry) => sum + entry.delta, 0)
      const doc: SeedDoc = {
        _id,
        fields: {
          cardNo: cipher.encrypt('cardNo', card.cardNo),
          name: cipher.encrypt('name', card.name),
          phone: cipher.encrypt('phone', card.phone),
        },
        phoneIndex: vault.blindIndex('phone', card.phone),
        storeId: card.storeId,
        points,
        status: card.status,
        issuedAt: at,
      }
      if (await addUnique(db, COLLECTIONS.cards, doc)) added++
    }
    for (const [i, entry] of card.history.entries()) {
      const ledger = {
        _id: `seed:${_id.slice(0, 16)}:${i + 1}`,
        cardId: _id,
        ...entry,
        at: new Date(entry.at),
      }
      if (await addUnique(db, COLLECTIONS.pointsLedger, ledger)) added++
    }
  }
  return added
}

function envVault(): Vault | undefined {
  try {
    return vaultFromEnv(process.env)
  } catch (error) {
    if (error instanceof VaultConfigError) return undefined
    throw error
  }
}

function demoDocuments(at: Date): Record<string, SeedDoc[]> {
  return {
    [COLLECTIONS.settings]: [
      {
        _id: 'controller',
        name: '星湖购物中心',
        contactName: '星湖购物中心个人信息保护负责人',
        contactPhone: '021-5000-0000',
        contactEmail: 'privacy@xinghu-mall.example.com',
        updatedAt: at,
      },
    ],
    [COLLECTIONS.stores]: [
      {
        _id: DEMO_STORES.xuhui,
        name: '星湖购物中心·徐汇店',
        city: '上海市',
        status: 'open',
        sort: 1,
        createdAt: at,
      },
      {
        _id: DEMO_STORES.pudong,
        name: '星湖购物中心·浦东店',
        city: '上海市',
        status: 'open',
        sort: 2,
        createdAt: at,
      },
      // Closed: not offered on the join form, refused as a service store.
      {
        _id: DEMO_STORES.closed,
        name: '星湖购物中心·静安店',
        city: '上海市',
        status: 'closed',
        sort: 3,
        createdAt: at,
      },
    ],
    [COLLECTIONS.storeCounters]: [
      {
        _id: 'counter-xh-lancome',
        storeId: DEMO_STORES.xuhui,
        brand: '兰蔻',
        name: '兰蔻专柜',
        floor: 'L1',
        kind: 'brand',
        status: 'open',
      },
      {
        _id: 'counter-xh-estee',
        storeId: DEMO_STORES.xuhui,
        brand: '雅诗兰黛',
        name: '雅诗兰黛专柜',
        floor: 'L1',
        kind: 'brand',
        status: 'open',
      },
      {
        _id: 'counter-xh-desk',
        storeId: DEMO_STORES.xuhui,
        brand: '',
        name: '徐汇店服务台',
        floor: 'L1',
        kind: 'serviceDesk',
        status: 'open',
      },
      {
        _id: 'counter-pd-nike',
        storeId: DEMO_STORES.pudong,
        brand: '耐克',
        name: '耐克专柜',
        floor: 'L3',
        kind: 'brand',
        status: 'open',
      },
      {
        _id: 'counter-pd-desk',
        storeId: DEMO_STORES.pudong,
        brand: '',
        name: '浦东店服务台',
        floor: 'L1',
        kind: 'serviceDesk',
        status: 'open',
      },
    ],
    [COLLECTIONS.channels]: [
      {
        _id: DEMO_CHANNELS.lancome,
        kind: 'counter',
        storeId: DEMO_STORES.xuhui,
        counterId: 'counter-xh-lancome',
        name: '兰蔻专柜',
        status: 'open',
      },
      {
        _id: DEMO_CHANNELS.estee,
        kind: 'counter',
        storeId: DEMO_STORES.xuhui,
        counterId: 'counter-xh-estee',
        name: '雅诗兰黛专柜',
        status: 'open',
      },
      {
        _id: DEMO_CHANNELS.xuhuiDesk,
        kind: 'serviceDesk',
        storeId: DEMO_STORES.xuhui,
        counterId: 'counter-xh-desk',
        name: '徐汇店服务台',
        status: 'open',
      },
      {
        _id: DEMO_CHANNELS.nike,
        kind: 'counter',
        storeId: DEMO_STORES.pudong,
        counterId: 'counter-pd-nike',
        name: '耐克专柜',
        status: 'open',
      },
      {
        _id: DEMO_CHANNELS.pudongDesk,
        kind: 'serviceDesk',
        storeId: DEMO_STORES.pudong,
        counterId: 'counter-pd-desk',
        name: '浦东店服务台',
        status: 'open',
      },
      {
        _id: DEMO_CHANNELS.closedPoster,
        kind: 'poster',
        storeId: DEMO_STORES.xuhui,
        name: '开业海报（已下线）',
        status: 'closed',
      },
    ],
    [COLLECTIONS.pointsRules]: [
      {
        _id: rulesVersionId(1),
        version: 1,
        effectiveFrom: DEMO_RULES_FROM,
        // 1 point per yuan (VIP 1.2, VVIP 1.5), Tuesdays ×2, 50 extra at the Lancôme counter.
        rules: DEMO_EARNING_RULES,
        refundPolicy: 'negative',
        holdDays: DEFAULT_LOT_POLICY.holdDays,
        changedBy: 'system:seed',
        changedAt: DEMO_RULES_FROM,
        note: '初始积分规则',
        summary: ['首个版本'],
      },
    ],
    [COLLECTIONS.carParks]: [
      {
        _id: DEMO_CAR_PARK.carParkId,
        storeId: DEMO_CAR_PARK.storeId,
        name: '徐汇店停车场',
        status: 'active',
      },
    ],
    [COLLECTIONS.parkingTariffs]: [
      {
        _id: tariffVersionId(DEMO_CAR_PARK.carParkId, 1),
        carParkId: DEMO_CAR_PARK.carParkId,
        version: 1,
        effectiveFrom: DEMO_RULES_FROM,
        tariff: DEMO_PARKING_TARIFF,
        rules: DEMO_PARKING_RULES,
        changedBy: 'system:seed',
        changedAt: DEMO_RULES_FROM,
        note: '初始收费标准',
      },
    ],
    [COLLECTIONS.rewards]: [
      {
        _id: 'reward-parking-2h',
        name: '停车券（2小时）',
        kind: 'parking',
        parkingMinutes: 120,
        points: 200,
        stock: 1000,
        perMemberLimit: 5,
        status: 'active',
      },
      {
        _id: 'reward-coffee',
        name: '咖啡兑换券',
        kind: 'coupon',
        points: 300,
        stock: 200,
        perMemberLimit: 2,
        status: 'active',
      },
      {
        _id: 'reward-stroller',
        name: '婴儿车租借（1次）',
        kind: 'service',
        points: 100,
        stock: 20,
        perMemberLimit: 1,
        status: 'active',
      },
      {
        _id: 'reward-voucher-50',
        name: '50元购物抵用券',
        kind: 'voucher',
        points: 5000,
        stock: 100,
        perMemberLimit: 1,
        status: 'active',
      },
    ],
  }
}

const DAY_MS = 86_400_000

/**
 * The partners register (4.1.4) to try: one in good standing, one whose confidentiality
 * agreement runs out within 30 days of the seed, one whose relationship has ended.
 */
export function demoPartners(at: Date): SeedDoc[] {
  const day = (days: number) => chinaDate(at.getTime() + days * DAY_MS)
  const entry = (name: string, fields: Record<string, unknown>): SeedDoc => ({
    _id: partnerIdOf(name),
    name,
    status: 'active',
    approvedBy: 'staff-demo-privacy-officer',
    createdAt: at,
    updatedAt: at,
    ...fields,
  })
  return [
    entry('星云短信服务有限公司', {
      kind: 'supplier',
      reach: ['sms', 'contact'],
      agreement: { ref: 'NDA-2024-001', signedOn: day(-200), expiresOn: day(530) },
      cert: { level: '3', ref: '31010099999-24001', expiresOn: day(400) },
    }),
    entry('海岸停车管理有限公司', {
      kind: 'partner',
      reach: ['plates'],
      agreement: { ref: 'NDA-2023-017', signedOn: day(-700), expiresOn: day(20) },
      cert: { level: '2', ref: '31010099999-23017', expiresOn: day(300) },
    }),
    entry('旧城礼品配送有限公司', {
      kind: 'supplier',
      reach: ['memberProfile', 'contact'],
      agreement: { ref: 'NDA-2022-008', signedOn: day(-900), expiresOn: day(-100) },
      cert: { level: 'none' },
      status: 'ended',
      endedAt: new Date(at.getTime() - 100 * DAY_MS),
      endedOn: day(-100),
    }),
  ]
}

/** The staff personas, keyed by the blind index of their OPENIDs (never the OPENIDs themselves). */
export function demoStaff(vault: Vault, at: Date): SeedDoc[] {
  return [
    {
      _id: staffDocId(vault, DEMO_PERSONAS.counter),
      staffId: 'staff-demo-counter',
      role: 'counter',
      storeIds: [DEMO_STORES.xuhui],
      counterId: 'counter-xh-lancome',
      displayName: '兰蔻专柜导购',
      status: 'active',
      createdAt: at,
    },
    {
      _id: staffDocId(vault, DEMO_PERSONAS.manager),
      staffId: 'staff-demo-manager',
      role: 'manager',
      storeIds: [DEMO_STORES.xuhui],
      displayName: '徐汇店店长',
      status: 'active',
      createdAt: at,
    },
    {
      _id: staffDocId(vault, DEMO_PERSONAS.privacyOfficer),
      staffId: 'staff-demo-privacy-officer',
      role: 'privacyOfficer',
      storeIds: [],
      displayName: '个人信息保护负责人',
      status: 'active',
      createdAt: at,
    },
    {
      _id: staffDocId(vault, DEMO_PERSONAS.admin),
      staffId: 'staff-demo-admin',
      role: 'admin',
      storeIds: [],
      displayName: '商场管理员',
      status: 'active',
      createdAt: at,
    },
    {
      _id: staffDocId(vault, DEMO_PERSONAS.finance),
      staffId: 'staff-demo-finance',
      role: 'finance',
      storeIds: [],
      displayName: '商场财务',
      status: 'active',
      createdAt: at,
    },
  ]
}

export interface SeedOptions {
  at?: Date
  /** Default: the keys in the environment; without keys no card is issued. */
  vault?: Vault
  /**
   * The key environment's SDK database (`database({ env: PI_KEY_ENV })`); without it no card is
   * issued and no parking session added. Both databases opened with DB_OPTIONS for the showcase.
   */
  keyDatabase?: object
  /**
   * Also the mall-wide personas (privacy officer, admin) and the partners register, so that
   * `npm start` offers every staff page to try. Left out elsewhere: the first admin of a real
   * mall comes from the bootstrap, which an active admin closes.
   */
  showcase?: boolean
}

/** Adds the demo documents that are missing; answers how many were added. `database` is an SDK database. */
export async function seedDemo(database: object, options: SeedOptions = {}): Promise<number> {
  const db = asDb(database)
  const at = options.at ?? new Date()
  const vault = options.vault ?? envVault()
  let added = 0
  const documents = demoDocuments(at)
  if (options.showcase) documents[COLLECTIONS.partners] = demoPartners(at)
  for (const [collection, docs] of Object.entries(documents)) {
    for (const doc of docs) {
      if (await addUnique(db, collection, doc)) added++
    }
  }
  if (vault) {
    const staff = demoStaff(vault, at).filter(
      (doc) => options.showcase || doc.role === 'counter' || doc.role === 'manager',
    )
    for (const doc of staff) if (await addUnique(db, COLLECTIONS.staff, doc)) added++
  }
  if (vault && options.keyDatabase) added += await seedCards(db, asDb(options.keyDatabase), vault, at)
  if (vault && options.keyDatabase && options.showcase)
    added += await seedParking(db, asDb(options.keyDatabase), vault, at)
  return added
}

/** The showcase's plates at the demo car park: one left 20 minutes ago unpaid, one parked, one exit without entry. */
export const DEMO_PARKING_PLATES = { left: '沪K5M268', parked: '苏E7Q219', exitOnly: '浙B3X705' } as const

/**
 * The showcase's parking sessions, so the desk and its last exits have something to show: the
 * car park's events applied as the gate's would be (plates sealed under the day key). The
 * event ids name the China day: a later start the same day adds nothing, a start on another day
 * adds that day's.
 */
async function seedParking(db: Db, keyDb: Db, vault: Vault, at: Date): Promise<number> {
  const clock = { now: () => at.getTime() }
  const parking = createParkingSessions({
    db,
    keyDb: () => keyDb,
    vault,
    clock,
    tariffs: createTariffBook(clock),
    // Reads of a member's identity for the 商圈 parking sync are audited; no demo plate is bound.
    audit: createAuditLog({ db, signer: auditSignerFromEnv(process.env), clock }),
  })
  const { left, parked, exitOnly } = DEMO_PARKING_PLATES
  const events = [
    [left, 'entry', 180],
    [left, 'exit', 20],
    [parked, 'entry', 95],
    [exitOnly, 'exit', 10],
  ] as const
  let added = 0
  for (const [i, [plate, kind, minutesAgo]] of events.entries()) {
    const applied = await parking.applyCarParkEvent(DEMO_CAR_PARK, {
      eventId: `demo-${chinaDate(at.getTime())}-${i}`,
      kind,
      plate,
      at: new Date(at.getTime() - minutesAgo * 60_000).toISOString(),
    })
    if (applied.ok && !applied.data.repeated) added++
  }
  return added
}

/** The demo POS of the demo store that `npm start` registers (never in a test or a deployment). */
export const DEMO_POS_ID = 'pos-demo-xuhui'

/**
 * Registers the demo POS of the Xuhui store on `npm start`'s first run, with a random secret
 * written only to the local key environment; later runs open it there. Answers the device id and
 * its DEMO secret for the start-up banner (a local convenience: a real device's secret is shown
 * once, by `npm run device:register`). Null without the keys.
 */
export async function seedDemoDevice(
  database: object,
  keyDatabase: object,
  at = new Date(),
): Promise<{ deviceId: string; secret: string } | null> {
  return seedDemoDeviceOf(database, keyDatabase, { kind: 'pos', deviceId: DEMO_POS_ID }, at)
}

/** The demo gate of the demo car park that `npm start` registers (never in a test or a deployment). */
export const DEMO_GATE_ID = 'carpark-demo-xuhui-gate'

/**
 * Registers the demo car park's gate (plate recognition at entry and exit) on `npm start`'s
 * first run, like the demo POS: its DEMO secret signs the dev panel's 模拟入场 / 模拟出场, which
 * post to `/http/ingest/carpark` as a real gate does. Null without the keys.
 */
export async function seedDemoGate(
  database: object,
  keyDatabase: object,
  at = new Date(),
): Promise<{ deviceId: string; secret: string } | null> {
  return seedDemoDeviceOf(
    database,
    keyDatabase,
    { kind: 'carpark', deviceId: DEMO_GATE_ID, carParkId: DEMO_CAR_PARK.carParkId },
    at,
  )
}

async function seedDemoDeviceOf(
  database: object,
  keyDatabase: object,
  device: { kind: 'pos' | 'carpark'; deviceId: string; carParkId?: string },
  at: Date,
): Promise<{ deviceId: string; secret: string } | null> {
  const vault = envVault()
  if (!vault) return null
  const db = asDb(database)
  const keyDb = asDb(keyDatabase)
  const devices = createDevices({ db, keyDb: () => keyDb, vault, clock: { now: () => at.getTime() } })
  const existing = await devices.byId(device.deviceId)
  if (!existing) {
    const { deviceId, secret } = await devices.register({ ...device, storeId: DEMO_STORES.xuhui })
    return { deviceId, secret }
  }
  const secret = await devices.secretOf(existing)
  return secret && { deviceId: device.deviceId, secret: secret.toString('base64') }
}
