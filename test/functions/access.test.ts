/**
 * Who may call what (5.3, L-17): every action of every routed function, called by every kind of
 * caller, is admitted or refused exactly as its contract's access list declares — before its
 * input is parsed, so a refused caller learns nothing from the answer and changes nothing.
 */
import { manualClock } from '../../cloudfunctions/common/clock'
import { createRouter, type Principals } from '../../cloudfunctions/common/router'
import { createStaffDirectory, staffDocId } from '../../cloudfunctions/common/staff'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import type { Principal } from '../../src/domain/access'
import { CONTRACTS, type FunctionName } from '../../src/domain/contracts'
import { action } from '../../src/domain/contracts/contract'
import { ok } from '../../src/domain/errors'
import { empty, required, schema } from '../../src/domain/input'
import { STAFF_ROLES, type StaffRole } from '../../src/domain/staff/model'
import { createTestEnv, shopper, VALID_FORM, type Answer, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

/** The codes the router refuses a caller with. */
const REFUSALS = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_A_MEMBER',
  'ALREADY_MEMBER',
  'GUARDIAN_PENDING',
  'GUARDIAN_NOT_NEEDED',
])

type Who = 'nobody' | 'guest' | 'member' | 'pendingMember' | StaffRole

const CALLERS: readonly Who[] = ['nobody', 'guest', 'member', 'pendingMember', ...STAFF_ROLES]

/** Adds an active staff member of `role` for `openid`, scoped to the demo store. */
async function addStaff(openid: string, role: StaffRole, status: 'active' | 'disabled' = 'active') {
  await env.db.collection('staff').add({
    data: {
      _id: staffDocId(env.vault, openid),
      staffId: `staff-test-${role}`,
      role,
      storeIds: [DEMO_STORES.xuhui],
      displayName: role,
      status,
      createdAt: new Date(env.clock.now()),
    },
  })
}

/** An OPENID that is the kind of caller `who` names. */
async function callerOf(who: Who): Promise<string> {
  if (who === 'nobody') return ''
  const openid = shopper()
  if (who === 'member') await env.member(openid, { ...VALID_FORM, phone: '13900000101' })
  else if (who === 'pendingMember')
    await env.member(openid, { ...VALID_FORM, phone: '13900000102', birthDate: '2014-01-01' })
  else if (who !== 'guest') await addStaff(openid, who)
  return openid
}

/** Whether the declared access list admits the caller: staff who are not members are guests too. */
function declaredToAdmit(access: readonly Principal[], who: Who): boolean {
  if (who === 'nobody') return false
  if (access.includes('shopper') || access.includes(who)) return true
  return access.includes('guest') && who !== 'member' && who !== 'pendingMember'
}

const functions = Object.keys(CONTRACTS) as FunctionName[]

describe.each(functions)('the %s function', (name) => {
  const contract = CONTRACTS[name] as Record<string, { access: readonly Principal[] }>

  it('[5.3] serves exactly the actions of its contract, each with a declared access list', async () => {
    const main = (await import(`../../cloudfunctions/${name}/index`)).main
    expect([...main.actions].sort()).toEqual(Object.keys(contract).sort())
    for (const spec of Object.values(contract)) expect(spec.access.length).toBeGreaterThan(0)
  })

  it('[5.3][L-17] admits and refuses every caller of every action as the contract declares, before the input is read', async () => {
    const openids = new Map<Who, string>()
    for (const who of CALLERS) openids.set(who, await callerOf(who))
    const before = await env.counts()
    const outcomes: string[] = []

    for (const [actionName, spec] of Object.entries(contract)) {
      for (const who of CALLERS) {
        const OPENID = openids.get(who) as string
        // Junk input: an admitted caller is answered by the schema, a refused one by the router.
        const answer = (await env.cloud.invoke(
          name,
          { action: actionName, data: { notAField: 1 } },
          { OPENID },
        )) as Answer
        const admitted = declaredToAdmit(spec.access, who)
        const refused = !answer.ok && REFUSALS.has(answer.code)
        outcomes.push(`${actionName} by ${who}: ${admitted ? 'admitted' : 'refused'}`)
        if (admitted !== !refused)
          throw new Error(`${actionName} by ${who} answered ${JSON.stringify(answer)}`)
        if (admitted)
          expect(answer).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', field: 'notAField' })
      }
    }
    expect(outcomes).toHaveLength(Object.keys(contract).length * CALLERS.length)
    // Nothing was written by a refused or unparsable call (the audit log aside: reads are logged).
    expect({ ...(await env.counts()), audit_log: 0 }).toEqual({ ...before, audit_log: 0 })
  })
})

describe('staff roles and store scope in the router', () => {
  const contract = {
    storeReport: action<{ storeId: string }>()({
      input: schema({ storeId: required(64, 'STORE_REQUIRED') }),
      access: ['manager', 'admin'],
      errors: [],
      storeField: 'storeId',
    }),
    whoAmI: action<unknown>()({
      input: empty,
      access: ['counter', 'manager', 'privacyOfficer', 'admin'],
      errors: [],
    }),
  }

  function routerAs(openid: string) {
    const principals: Principals<{ status: 'active' }> = {
      member: async () => null,
      staff: (caller) => createStaffDirectory({ db: env.db, vault: env.vault }).find(caller),
    }
    return createRouter(
      contract,
      () => ({
        handlers: {
          storeReport: async ({ storeId }) => ok({ storeId }),
          whoAmI: async (_input, { caller }) => ok(caller.staff),
        },
        principals,
      }),
      {
        name: 'test',
        clock: manualClock('2024-06-15T02:00:00.000Z'),
        getContext: () => ({ OPENID: openid }),
      },
    )
  }

  it('[5.3] finds staff by the blind index of their OPENID and hands the role, stores and counter to the handler', async () => {
    expect(await routerAs(DEMO_PERSONAS.counter)({ action: 'whoAmI' })).toEqual({
      ok: true,
      data: {
        id: 'staff-demo-counter',
        role: 'counter',
        storeIds: [DEMO_STORES.xuhui],
        counterId: 'counter-xh-lancome',
      },
    })
    const admin = shopper()
    await addStaff(admin, 'admin')
    expect(await routerAs(admin)({ action: 'whoAmI' })).toMatchObject({ ok: true, data: { storeIds: 'all' } })
  })

  it('[5.3] lets a manager act for their own store only; an admin for every store', async () => {
    const manager = routerAs(DEMO_PERSONAS.manager)
    expect(await manager({ action: 'storeReport', data: { storeId: DEMO_STORES.xuhui } })).toMatchObject({
      ok: true,
    })
    expect(await manager({ action: 'storeReport', data: { storeId: DEMO_STORES.pudong } })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
      field: 'storeId',
    })
    expect(
      await routerAs(DEMO_PERSONAS.counter)({ action: 'storeReport', data: { storeId: DEMO_STORES.xuhui } }),
    ).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    const admin = shopper()
    await addStaff(admin, 'admin')
    expect(
      await routerAs(admin)({ action: 'storeReport', data: { storeId: DEMO_STORES.pudong } }),
    ).toMatchObject({ ok: true })
  })

  it('[5.3] refuses a disabled staff member on their very next call', async () => {
    const openid = shopper()
    await addStaff(openid, 'manager')
    expect(await routerAs(openid)({ action: 'whoAmI' })).toMatchObject({ ok: true })
    await env.db
      .collection('staff')
      .doc(staffDocId(env.vault, openid))
      .update({ data: { status: 'disabled' } })
    expect(await routerAs(openid)({ action: 'whoAmI' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})
