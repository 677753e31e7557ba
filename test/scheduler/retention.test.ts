/**
 * The manifest's retention rules, walked (7.1, L-6): every collection declares its retention;
 * every timed rule is enforced by a scheduler sweep that keeps a document just before its period
 * ends and removes it just after. A new timed rule without a case here fails the first test.
 */
import { COLLECTIONS, type Doc } from '../../cloudfunctions/common/db'
import { createClaims } from '../../cloudfunctions/common/identity'
import { cardKey, keyDocId } from '../../cloudfunctions/common/keystore'
import { ABANDONED_CLAIM_MS } from '../../cloudfunctions/common/members/registration'
import { TRIGGERS } from '../../cloudfunctions/scheduler/index'
import {
  createSweeps,
  RETENTION_SWEEPS,
  retentionMs,
  type RetentionSweep,
} from '../../cloudfunctions/scheduler/sweeps'
import { manifest } from '../../database/manifest'
import { DEMO_CARDS } from '../../database/seed'
import { RETENTION_EVENTS } from '../../database/retention'
import { durationMs } from '../../src/domain/dates'
import { NOTICE_VERSION } from '../../src/domain/consent/purposes'
import { CHILD_DATA, keptRecord } from '../../src/domain/identity/inventory'
import { GUARDIAN_PENDING_DAYS } from '../../src/domain/member/rules'
import { createTestEnv, shopper, START, TODAY, VALID_FORM, type TestEnv } from '../functions/support'
import { registerScheduler, tick } from './support'

const DAY = 24 * 3600_000

let env: TestEnv

beforeEach(async () => {
  env = await createTestEnv()
  registerScheduler(env)
})

afterEach(() => env.cloud.close())

/** A document a sweep must remove once due: when it becomes due, and whether it is still there. */
interface Case {
  dueAt: number
  present(): Promise<boolean>
  /** What else must hold once it is gone. */
  after?(): Promise<void>
}

/** One audited read by staff, now. */
const staffRead = () =>
  env.audit().record({
    actor: 'staff:s1',
    purpose: 'membership',
    action: 'read',
    memberId: 'm1',
    fields: ['name'],
    success: true,
  })

const byId = async (collection: string, id: string) =>
  (await env.all(collection)).some((doc) => doc._id === id)

const CASES: Record<string, (rule: RetentionSweep) => Promise<Case>> = {
  async smsCodes(rule) {
    await env.db.collection(rule.collection).add({ data: { _id: 'join:x', expiresAt: new Date(START) } })
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, 'join:x'),
    }
  },

  async smsQuota(rule) {
    const expiresAt = new Date(Date.parse(START) + 2 * DAY)
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'q', day: '2024-06-15', count: 1, expiresAt } })
    return { dueAt: expiresAt.getTime() + durationMs(rule.after), present: () => byId(rule.collection, 'q') }
  },

  async abandonedClaims(rule) {
    const claims = createClaims({
      db: env.db,
      vault: env.vault,
      clock: env.clock,
      isAbandoned: async () => false,
    })
    await claims.claim('phone', '13900000001', 'ghost-member')
    const member = shopper()
    expect((await env.join(member)).ok).toBe(true)
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: async () => (await claims.holder('phone', '13900000001')) === 'ghost-member',
      // A member's own claims stay.
      after: async () => expect(await env.memberIdOf(member)).not.toBeNull(),
    }
  },

  async guardianPending(rule) {
    const child = shopper()
    const adult = shopper()
    expect((await env.join(child, { ...VALID_FORM, birthDate: '2014-01-01' })).ok).toBe(true)
    expect((await env.join(adult, { ...VALID_FORM, phone: '13900000002' })).ok).toBe(true)
    const memberId = (await env.memberIdOf(child)) as string
    // Nothing kept names the child, its audit entries included (re-keyed by the erasure).
    const linked = async () => {
      const found: string[] = []
      for (const { name } of manifest.collections)
        if (JSON.stringify(await env.all(name)).includes(memberId)) found.push(name)
      return found
    }
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(COLLECTIONS.members, memberId),
      after: async () => {
        // The key went first, then identity, claims and record; what is kept is unlinked.
        for (const collection of [COLLECTIONS.memberKeys, COLLECTIONS.identities])
          expect(await byId(collection, memberId)).toBe(false)
        expect(await env.memberIdOf(child)).toBeNull()
        expect(await env.all(COLLECTIONS.consentReceipts)).not.toContainEqual(
          expect.objectContaining({ memberId }),
        )
        expect(await linked()).toEqual([])
        // The adult who joined at the same time stays.
        expect(await env.memberIdOf(adult)).not.toBeNull()
      },
    }
  },

  async consentReceipts(rule) {
    const gone = shopper()
    const stays = shopper()
    expect((await env.join(stays, { ...VALID_FORM, phone: '13900000002' })).ok).toBe(true)
    expect((await env.join(gone)).ok).toBe(true)
    expect(await env.deleteAccount(gone)).toMatchObject({ ok: true })
    const anonymised = async () =>
      (await env.all(rule.collection)).filter((doc) => doc.anonymisedAt !== undefined).length
    expect(await anonymised()).toBeGreaterThan(0)
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: async () => (await anonymised()) > 0,
      // A live member's receipts have no end but their own cancellation.
      after: async () => expect((await env.all(rule.collection)).length).toBe(1),
    }
  },

  async auditLog(rule) {
    await staffRead()
    const [entry] = await env.all(rule.collection)
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, entry._id),
    }
  },

  async auditRedactions(rule) {
    const gone = shopper()
    expect((await env.join(gone)).ok).toBe(true)
    expect(await env.deleteAccount(gone)).toMatchObject({ ok: true })
    const [redaction] = await env.all(rule.collection)
    expect(redaction).toBeDefined()
    return {
      dueAt: new Date(redaction.at as Date).getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, redaction._id),
    }
  },

  async auditDays(rule) {
    await staffRead()
    const [day] = await env.all(rule.collection)
    // A China day goes once all of it is past the period: from the start of the next day.
    const nextDay = Date.parse(`${String(day.day)}T00:00:00+08:00`) + DAY
    return { dueAt: nextDay + durationMs(rule.after), present: () => byId(rule.collection, day._id) }
  },

  async pointsLedger(rule) {
    await env.db.collection(rule.collection).add({
      data: { _id: 'purchase:r1', memberId: 'm1', delta: 10, reason: 'purchase', at: new Date(START) },
    })
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, 'purchase:r1'),
    }
  },

  async receiptClaims(rule) {
    const submittedAt = new Date(START)
    await env.db.collection(rule.collection).add({
      data: { _id: 'rc-1', memberId: 'm1', status: 'approved', imageHash: 'h1', submittedAt },
    })
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, 'rc-1'),
    }
  },
  async pointsDays(rule) {
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: `s1:${TODAY}:0`, storeId: 's1', day: TODAY, issued: 10 } })
    const nextDay = Date.parse(`${TODAY}T00:00:00+08:00`) + DAY
    return { dueAt: nextDay + durationMs(rule.after), present: () => byId(rule.collection, `s1:${TODAY}:0`) }
  },

  async pointsRefunds(rule) {
    await env.db.collection(rule.collection).add({
      data: { _id: 'earn:receipt:s1:R1', refundedFen: 100, reversedPoints: 1, earnedAt: new Date(START) },
    })
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, 'earn:receipt:s1:R1'),
    }
  },

  async parkingDays(rule) {
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: `cp:${TODAY}:0`, carParkId: 'cp', storeId: 's1', day: TODAY, paidFen: 800 } })
    const nextDay = Date.parse(`${TODAY}T00:00:00+08:00`) + DAY
    return { dueAt: nextDay + durationMs(rule.after), present: () => byId(rule.collection, `cp:${TODAY}:0`) }
  },

  async parkingPayments(rule) {
    await env.db.collection(rule.collection).add({
      data: { _id: 'pp-1', memberId: null, status: 'paid', returned: false, createdAt: new Date(START) },
    })
    return { dueAt: Date.parse(START) + durationMs(rule.after), present: () => byId(rule.collection, 'pp-1') }
  },

  async joinOffers(rule) {
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'wx:declined', declinedAt: new Date(START) } })
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, 'wx:declined'),
    }
  },

  async unboundCards(rule) {
    const id = env.vault.blindIndex('card', DEMO_CARDS[0].cardNo)
    const card = (await env.all(rule.collection)).find((doc) => doc._id === id) as Doc
    expect(card).toMatchObject({ status: 'issued' })
    expect(await byId(COLLECTIONS.memberKeys, keyDocId(cardKey(id)))).toBe(true)
    return {
      dueAt: new Date(card.issuedAt as Date).getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, id),
      // Crypto-shredding: the card's data key is gone too; a cancelled card is not "issued".
      after: async () => {
        expect(await byId(COLLECTIONS.memberKeys, keyDocId(cardKey(id)))).toBe(false)
        expect(await env.all(rule.collection)).toEqual([expect.objectContaining({ status: 'cancelled' })])
      },
    }
  },

  async staffInvites(rule) {
    const expiresAt = new Date(Date.parse(START) + DAY)
    await env.db.collection(rule.collection).add({
      data: {
        _id: 'invite-1',
        role: 'counter',
        storeIds: ['store-xuhui'],
        createdAt: new Date(START),
        expiresAt,
      },
    })
    return {
      dueAt: expiresAt.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'invite-1'),
    }
  },
  async campaignClaims(rule) {
    const expiresAt = new Date(Date.parse(START) + 40 * DAY)
    await env.db.collection(rule.collection).add({
      data: { _id: 'claim-1', campaignId: 'c1', memberId: 'm1', code: 'ABCD1234', expiresAt },
    })
    return {
      dueAt: expiresAt.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'claim-1'),
    }
  },

  async ingestNonces(rule) {
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'pos-1:nonce-0123456789ab', deviceId: 'pos-1', at: new Date(START) } })
    return {
      dueAt: Date.parse(START) + durationMs(rule.after),
      present: () => byId(rule.collection, 'pos-1:nonce-0123456789ab'),
    }
  },

  async partners(rule) {
    const endedAt = new Date(Date.parse(START) + DAY)
    const entry = { name: '示例供应商', kind: 'supplier', reach: ['sms'], createdAt: new Date(START) }
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'partner-ended', ...entry, status: 'ended', endedAt } })
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'partner-active', ...entry, status: 'active' } })
    return {
      dueAt: endedAt.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'partner-ended'),
      after: async () => {
        expect(await byId(rule.collection, 'partner-active')).toBe(true)
      },
    }
  },

  async wxpayNotices(rule) {
    const at = new Date(START)
    await env.db.collection(rule.collection).add({
      data: { _id: 'transaction:1', eventType: 'MALL_TRANSACTION.SUCCESS', outcome: 'no-member', at },
    })
    return {
      dueAt: at.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'transaction:1'),
    }
  },

  async wxpaySync(rule) {
    const sentAt = new Date(START)
    const entry = { memberId: 'm1', attempts: 1, nextAt: sentAt, stateKey: 'k' }
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'tx-sent', ...entry, status: 'sent', sentAt } })
    await env.db.collection(rule.collection).add({ data: { _id: 'tx-failed', ...entry, status: 'failed' } })
    return {
      dueAt: sentAt.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'tx-sent'),
      // A failed sync waits for an operator.
      after: async () => expect(await byId(rule.collection, 'tx-failed')).toBe(true),
    }
  },

  async wxpayParkingFailed(rule) {
    const nextAt = new Date(START)
    const entry = { memberId: 'm1', attempts: 8, nextAt, status: 'failed' }
    await env.db.collection(rule.collection).add({
      data: {
        _id: 'parking:cp:e1:IN',
        ...entry,
        kind: 'parking',
        parking: { state: 'IN', at: START },
        stateKey: 'IN',
      },
    })
    await env.db.collection(rule.collection).add({ data: { _id: 'tx-failed', ...entry, stateKey: 'k' } })
    return {
      dueAt: nextAt.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'parking:cp:e1:IN'),
      // A failed points sync waits for an operator.
      after: async () => expect(await byId(rule.collection, 'tx-failed')).toBe(true),
    }
  },

  async parkingEvents(rule) {
    const receivedAt = new Date(START)
    await env.db.collection(rule.collection).add({
      data: { _id: 'cp:e1', carParkId: 'cp', kind: 'entry', at: receivedAt, plateIndex: 'x', receivedAt },
    })
    return {
      dueAt: receivedAt.getTime() + durationMs(rule.after),
      present: () => byId(rule.collection, 'cp:e1'),
    }
  },

  async parkingPlates(rule) {
    const lastAt = new Date(START)
    await env.db
      .collection(rule.collection)
      .add({ data: { _id: 'cp:x', carParkId: 'cp', plateIndex: 'x', events: [], lastAt } })
    return { dueAt: lastAt.getTime() + durationMs(rule.after), present: () => byId(rule.collection, 'cp:x') }
  },

  async parkingSessions(rule) {
    const lastAt = new Date(START)
    await env.db.collection(rule.collection).add({
      data: {
        _id: 'cp:s1',
        carParkId: 'cp',
        storeId: 'store-xuhui',
        plateIndex: 'x',
        state: 'closed',
        lastAt,
      },
    })
    return { dueAt: lastAt.getTime() + durationMs(rule.after), present: () => byId(rule.collection, 'cp:s1') }
  },

  async parkingDayKeys(rule) {
    await env.keyDb
      .collection(rule.collection)
      .add({ data: { _id: 'cp:2024-06-15', carParkId: 'cp', day: '2024-06-15', createdAt: new Date(START) } })
    // Due once the period after the whole China day 2024-06-15 is over.
    return {
      dueAt: Date.parse('2024-06-15T16:00:00.000Z') + durationMs(rule.after),
      present: () => byId(rule.collection, 'cp:2024-06-15'),
    }
  },
}

const triggerOf = (sweep: string) =>
  (Object.keys(TRIGGERS) as Array<keyof typeof TRIGGERS>).find((name) =>
    (TRIGGERS[name] as readonly string[]).includes(sweep),
  ) as string

describe('retention rules in the manifest', () => {
  test('[7.1] every collection declares its retention, and every timed rule has a sweep and a case here', () => {
    for (const collection of manifest.collections) {
      expect({ [collection.name]: collection.retention?.rules.length ?? 0 }).not.toEqual({
        [collection.name]: 0,
      })
      for (const rule of collection.retention?.rules ?? []) {
        if ('on' in rule) expect(RETENTION_EVENTS).toContain(rule.on)
      }
    }
    const names = RETENTION_SWEEPS.map((rule) => rule.sweep)
    expect(new Set(names).size).toBe(names.length)
    expect(Object.keys(CASES).sort()).toEqual([...names].sort())
    for (const rule of RETENTION_SWEEPS) {
      expect(() => durationMs(rule.after)).not.toThrow()
      expect(triggerOf(rule.sweep)).toBeDefined()
    }
  })

  test('[7.1][L-5] takes the periods stated to the shopper from the data inventory', () => {
    expect(retentionMs('guardianPending')).toBe(GUARDIAN_PENDING_DAYS * DAY)
    expect(retentionMs('guardianPending')).toBe(durationMs(CHILD_DATA.period))
    expect(retentionMs('consentReceipts')).toBe(durationMs(keptRecord('consentReceipts').period))
    expect(retentionMs('pointsLedger')).toBe(durationMs(keptRecord('pointsLedger').period))
    expect(retentionMs('auditLog')).toBe(durationMs(keptRecord('auditLog').period))
    expect(retentionMs('unboundCards')).toBe(durationMs(keptRecord('issuedCards').period))
    // The claim takeover of registration and the claim sweep agree.
    expect(retentionMs('abandonedClaims')).toBe(ABANDONED_CLAIM_MS)
  })

  test('sweeps children waiting for a guardian within minutes, years-long periods daily', () => {
    expect(triggerOf('guardianPending')).toBe('sweep')
    expect(triggerOf('auditLog')).toBe('retention')
  })
})

describe('retention sweeps at their boundary', () => {
  test.each(RETENTION_SWEEPS.map((rule) => [rule.sweep, rule] as const))(
    '[7.1][L-6] %s keeps a document just before its period ends and removes it just after',
    async (name, rule) => {
      const make = CASES[name]
      expect(make).toBeDefined()
      const due = await make(rule)
      const trigger = triggerOf(name)

      env.clock.set(due.dueAt - 1000)
      const before = await tick(env, trigger)
      expect(before.ok).toBe(true)
      expect(before.data.jobs[name]).toMatchObject({ complete: true })
      expect(await due.present()).toBe(true)

      env.clock.set(due.dueAt + 1000)
      const after = await tick(env, trigger)
      expect(after.data.jobs[name]).toMatchObject({ complete: true })
      expect((after.data.jobs[name] as { removed: number }).removed).toBeGreaterThan(0)
      expect(await due.present()).toBe(false)
      await due.after?.()
    },
  )
})

describe('retention: a child whose guardian step is over (L-5)', () => {
  const GUARDIAN = {
    guardianName: '张大山',
    relation: 'father',
    phone: '13900000020',
    noticeVersion: NOTICE_VERSION,
  }

  it('[L-5] claims the child before erasing it: a guardian who comes later is refused, and an erasure that died is run again', async () => {
    const child = shopper()
    expect((await env.join(child, { ...VALID_FORM, birthDate: '2014-01-01' })).ok).toBe(true)
    const memberId = (await env.memberIdOf(child)) as string
    env.clock.advance(GUARDIAN_PENDING_DAYS * DAY + 60_000)
    const smsCode = await env.codeVia(child, 'sendGuardianCode', { phone: GUARDIAN.phone }, GUARDIAN.phone)

    // The sweep claims the child, then its function instance is lost before the erasure ends.
    const rule = RETENTION_SWEEPS.find((r) => r.sweep === 'guardianPending') as RetentionSweep
    const lost = createSweeps({
      db: env.db,
      keyDb: () => env.keyDb,
      clock: env.clock,
      eraseMember: () => async () => {
        throw new Error('instance lost')
      },
    })
    await expect(lost.run(rule)).rejects.toThrow('instance lost')

    // The guardian is too late: nothing turns the claimed child into an active member.
    expect(await env.call(child, 'recordGuardianConsent', { ...GUARDIAN, smsCode })).toMatchObject({
      ok: false,
      code: 'GUARDIAN_PERIOD_OVER',
    })
    expect(await env.all(COLLECTIONS.members)).toEqual([
      expect.objectContaining({ _id: memberId, status: 'guardian_pending' }),
    ])

    // The next tick finds the claimed child again and erases it.
    await tick(env, triggerOf('guardianPending'))
    expect(await env.memberIdOf(child)).toBeNull()
    expect(await byId(COLLECTIONS.identities, memberId)).toBe(false)
  })

  it('[L-5] leaves a child whose guardian consented in time', async () => {
    const child = shopper()
    expect((await env.join(child, { ...VALID_FORM, birthDate: '2014-01-01' })).ok).toBe(true)
    env.clock.advance(61_000)
    const smsCode = await env.codeVia(child, 'sendGuardianCode', { phone: GUARDIAN.phone }, GUARDIAN.phone)
    expect(await env.call(child, 'recordGuardianConsent', { ...GUARDIAN, smsCode })).toMatchObject({
      ok: true,
    })
    env.clock.advance(GUARDIAN_PENDING_DAYS * DAY)
    await tick(env, triggerOf('guardianPending'))
    expect(await env.memberIdOf(child)).not.toBeNull()
  })
})
