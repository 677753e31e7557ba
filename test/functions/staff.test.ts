/**
 * The staff function: joining the staff by a one-time invite, the staff list, disabling and
 * enabling accounts, each change audited.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { asDb, DB_OPTIONS } from '../../cloudfunctions/common/db'
import { vaultFromEnv } from '../../cloudfunctions/common/vault'
import { createMain } from '../../cloudfunctions/staff/index'
import { inviteId } from '../../cloudfunctions/staff/invites'
import { manifest } from '../../database/manifest'
import { DEMO_PERSONAS, DEMO_STORES } from '../../database/seed'
import { createLocalCloud } from '../../local-cloud/runtime'
import type { StaffRole } from '../../src/domain/staff/model'
import { createTestEnv, dataOf, shopper, type Answer, type TestEnv } from './support'
import { addAdmin as addStaffAdmin, staffCaller } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const staffCall = staffCaller(() => env)

const addAdmin = () => addStaffAdmin(env)

interface Invite {
  code: string
  scene: string
  expiresAt: string
}

async function invite(openid: string, role: StaffRole, storeIds: string[] = []): Promise<Invite> {
  return dataOf<Invite>(await staffCall(openid, 'createInvite', { role, storeIds, displayName: '新同事' }))
}

const staffEntries = async () =>
  (await env.all('audit_log')).filter((entry) => entry.purpose === 'staffAdmin')

describe('staff invites', () => {
  it('[5.3] lets a manager invite counter staff of their own store only', async () => {
    const manager = DEMO_PERSONAS.manager
    const made = await invite(manager, 'counter', [DEMO_STORES.xuhui])
    expect(made.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/)
    expect(made.scene).toBe(`k=i&c=${made.code}`)
    expect(made.scene.length).toBeLessThanOrEqual(32)
    expect(new Date(made.expiresAt).getTime() - env.clock.now()).toBe(24 * 3600 * 1000)

    for (const data of [
      { role: 'counter', storeIds: [DEMO_STORES.pudong] },
      { role: 'manager', storeIds: [DEMO_STORES.xuhui] },
      { role: 'admin' },
    ])
      expect(await staffCall(manager, 'createInvite', data)).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await staffCall(DEMO_PERSONAS.counter, 'createInvite', { role: 'counter' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
  })

  it('[5.3] lets an admin invite any role for any store, with stores that fit the role', async () => {
    const admin = await addAdmin()
    await invite(admin, 'manager', [DEMO_STORES.xuhui, DEMO_STORES.pudong])
    await invite(admin, 'privacyOfficer')
    await invite(admin, 'admin')
    expect(
      await staffCall(admin, 'createInvite', {
        role: 'counter',
        storeIds: [DEMO_STORES.xuhui, DEMO_STORES.pudong],
      }),
    ).toMatchObject({ ok: false, code: 'STAFF_STORES_INVALID' })
    expect(
      await staffCall(admin, 'createInvite', { role: 'counter', storeIds: ['store-nowhere'] }),
    ).toMatchObject({ ok: false, code: 'STORE_UNKNOWN' })
  })

  it('[5.3] makes the redeemer staff once; the invite is single use and its code never stored', async () => {
    const made = await invite(DEMO_PERSONAS.manager, 'counter', [DEMO_STORES.xuhui])
    const colleague = shopper()
    expect(await staffCall(colleague, 'me')).toEqual({ ok: true, data: { staff: null } })
    const joined = dataOf<{ staff: { staffId: string } }>(
      await staffCall(colleague, 'redeemInvite', { code: made.code.toLowerCase() }),
    )
    expect(joined.staff).toMatchObject({
      role: 'counter',
      storeIds: [DEMO_STORES.xuhui],
      displayName: '新同事',
    })
    expect(await staffCall(colleague, 'me')).toMatchObject({ ok: true, data: { staff: joined.staff } })
    expect(await staffCall(colleague, 'redeemInvite', { code: made.code })).toMatchObject({
      ok: false,
      code: 'ALREADY_STAFF',
    })
    expect(await staffCall(shopper(), 'redeemInvite', { code: made.code })).toMatchObject({
      ok: false,
      code: 'INVITE_INVALID',
    })
    const dump = await env.dump()
    expect(dump).not.toContain(made.code)
    expect(dump).not.toContain(colleague)
  })

  it('[5.3] lets exactly one of 20 concurrent redeemers join', async () => {
    const made = await invite(DEMO_PERSONAS.manager, 'counter', [DEMO_STORES.xuhui])
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => staffCall(shopper(), 'redeemInvite', { code: made.code })),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(1)
    expect(answers.filter((a) => !a.ok && a.code === 'INVITE_INVALID')).toHaveLength(19)
    expect(await env.all('staff')).toHaveLength(3)
  })

  it('[5.3] refuses an expired, revoked or unknown invite with one answer', async () => {
    const manager = DEMO_PERSONAS.manager
    const expiring = await invite(manager, 'counter', [DEMO_STORES.xuhui])
    const revoked = await invite(manager, 'counter', [DEMO_STORES.xuhui])
    expect(await staffCall(DEMO_PERSONAS.counter, 'revokeInvite', { code: revoked.code })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    expect(await staffCall(manager, 'revokeInvite', { code: revoked.code })).toEqual({
      ok: true,
      data: { revoked: true },
    })
    env.clock.advance(24 * 3600 * 1000)
    for (const code of [expiring.code, revoked.code, 'ABCDEFGHJKMNPQRS', 'not a code'])
      expect(await staffCall(shopper(), 'redeemInvite', { code })).toMatchObject({
        ok: false,
        code: 'INVITE_INVALID',
        message: expect.stringMatching(/邀请码/),
      })
    expect(await env.all('staff')).toHaveLength(2)
  })
  it('[5.3] ties counter staff to a counter of their store only', async () => {
    const manager = DEMO_PERSONAS.manager
    const made = dataOf<Invite>(
      await staffCall(manager, 'createInvite', {
        role: 'counter',
        storeIds: [DEMO_STORES.xuhui],
        counterId: 'counter-xh-lancome',
      }),
    )
    expect(await staffCall(shopper(), 'redeemInvite', { code: made.code })).toMatchObject({
      ok: true,
      data: { staff: { counterId: 'counter-xh-lancome' } },
    })
    expect(
      await staffCall(manager, 'createInvite', {
        role: 'counter',
        storeIds: [DEMO_STORES.xuhui],
        counterId: 'counter-nowhere',
      }),
    ).toMatchObject({ ok: false, code: 'COUNTER_UNKNOWN', field: 'counterId' })
    const admin = await addAdmin()
    expect(
      await staffCall(admin, 'createInvite', {
        role: 'manager',
        storeIds: [DEMO_STORES.xuhui],
        counterId: 'counter-xh-lancome',
      }),
    ).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', field: 'counterId' })
  })

  it('draws an open invite as the mini-program code of its scene, for its creator’s scope only', async () => {
    const manager = DEMO_PERSONAS.manager
    const made = await invite(manager, 'counter', [DEMO_STORES.xuhui])
    const { png, scene } = dataOf<{ png: string; scene: string }>(
      await staffCall(manager, 'inviteCode', { code: made.code }),
    )
    expect(scene).toBe(made.scene)
    expect(Buffer.from(png, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG')
    expect(env.cloud.outbox.last('wxacode')).toMatchObject({
      payload: { scene: made.scene, page: 'pages/index/index', check_path: false },
    })
    expect(await staffCall(DEMO_PERSONAS.counter, 'inviteCode', { code: made.code })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    const admin = await addAdmin()
    const other = await invite(admin, 'counter', [DEMO_STORES.pudong])
    await staffCall(admin, 'revokeInvite', { code: made.code })
    for (const code of [made.code, other.code])
      expect(await staffCall(manager, 'inviteCode', { code })).toMatchObject({
        ok: false,
        code: 'INVITE_INVALID',
      })
  })
})

describe('staff accounts', () => {
  it('[5.3] lists the staff of a manager’s stores; every store for admins and privacy officers', async () => {
    const admin = await addAdmin()
    const other = await invite(admin, 'counter', [DEMO_STORES.pudong])
    await staffCall(shopper(), 'redeemInvite', { code: other.code })
    const ids = (answer: Answer) =>
      dataOf<{ staff: { staffId: string }[] }>(answer)
        .staff.map((s) => s.staffId)
        .sort()
    expect(ids(await staffCall(DEMO_PERSONAS.manager, 'listStaff'))).toEqual([
      'staff-demo-counter',
      'staff-demo-manager',
    ])
    expect(ids(await staffCall(admin, 'listStaff'))).toHaveLength(4)
  })

  it('[5.3] disabling takes effect on the next call; enabling restores it; an admin cannot disable themselves', async () => {
    const manager = DEMO_PERSONAS.manager
    const counter = DEMO_PERSONAS.counter
    expect(await staffCall(counter, 'me')).toMatchObject({ data: { staff: { role: 'counter' } } })
    expect(await staffCall(manager, 'disableStaff', { staffId: 'staff-demo-counter' })).toMatchObject({
      ok: true,
      data: { staff: { status: 'disabled' } },
    })
    expect(await staffCall(counter, 'me')).toEqual({ ok: true, data: { staff: null } })
    expect(await staffCall(counter, 'listStaff')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
    expect(await staffCall(counter, 'redeemInvite', { code: 'ABCDEFGHJKMNPQRS' })).toMatchObject({
      ok: false,
      code: 'ALREADY_STAFF',
    })
    await staffCall(manager, 'enableStaff', { staffId: 'staff-demo-counter' })
    expect(await staffCall(counter, 'me')).toMatchObject({ data: { staff: { role: 'counter' } } })

    expect(await staffCall(manager, 'disableStaff', { staffId: 'staff-demo-manager' })).toMatchObject({
      ok: false,
      code: 'STAFF_UNKNOWN',
    })
    const admin = await addAdmin()
    expect(await staffCall(admin, 'disableStaff', { staffId: 'staff-test-admin' })).toMatchObject({
      ok: false,
      code: 'STAFF_SELF',
    })
    expect(await staffCall(admin, 'disableStaff', { staffId: 'staff-demo-manager' })).toMatchObject({
      ok: true,
    })
    expect(await staffCall(manager, 'listStaff')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it('[5.5][L-14] audits every staff change: invite created, redeemed, revoked, account disabled and enabled', async () => {
    const manager = DEMO_PERSONAS.manager
    const made = await invite(manager, 'counter', [DEMO_STORES.xuhui])
    const revoked = await invite(manager, 'counter', [DEMO_STORES.xuhui])
    await staffCall(manager, 'revokeInvite', { code: revoked.code })
    const { staff } = dataOf<{ staff: { staffId: string } }>(
      await staffCall(shopper(), 'redeemInvite', { code: made.code }),
    )
    await staffCall(manager, 'disableStaff', { staffId: staff.staffId })
    await staffCall(manager, 'enableStaff', { staffId: staff.staffId })
    const entries = await staffEntries()
    expect(
      entries
        .sort((a, b) => Number(a.seq) - Number(b.seq))
        .map((e) => [e.actor, e.action, String(e.memberId).split(':')[0]]),
    ).toEqual([
      ['staff:staff-demo-manager', 'create', 'invite'],
      ['staff:staff-demo-manager', 'create', 'invite'],
      ['staff:staff-demo-manager', 'update', 'invite'],
      [`staff:${staff.staffId}`, 'create', 'staff'],
      ['staff:staff-demo-manager', 'update', 'staff'],
      ['staff:staff-demo-manager', 'update', 'staff'],
    ])
    const audit = env.audit()
    expect(entries.every((entry) => audit.verify(entry))).toBe(true)
    // Not about a member: no day counts.
    expect(await env.all('audit_days')).toHaveLength(0)
  })
})

describe('the bootstrap of the first admin', () => {
  it('[5.3] answers an admin invite only to a call without OPENID, and only while there is no active admin', async () => {
    const withContext = (OPENID?: string) => createMain({ clock: env.clock, getContext: () => ({ OPENID }) })
    expect(await withContext(shopper())({ bootstrap: 'admin' })).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    const made = dataOf<Invite>((await withContext()({ bootstrap: 'admin' })) as Answer)
    const first = shopper()
    expect(await staffCall(first, 'redeemInvite', { code: made.code })).toMatchObject({
      ok: true,
      data: { staff: { role: 'admin', displayName: '商场管理员' } },
    })
    expect(await withContext()({ bootstrap: 'admin' })).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })
})

describe('npm run staff:invite', () => {
  const ROOT = path.resolve(__dirname, '../..')

  it('[5.3] writes a one-time invite into the local data, stored only as the keyed hash of its code', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'staff-invite-'))
    try {
      const keys = {
        PI_MASTER_KEY: randomBytes(32).toString('base64'),
        PI_INDEX_KEY: randomBytes(32).toString('base64'),
        AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
      }
      writeFileSync(path.join(dataDir, 'keys.json'), JSON.stringify(keys))
      const variables = { ...process.env }
      for (const name of Object.keys(keys)) delete variables[name]
      const run = (...args: string[]) =>
        spawnSync(
          process.execPath,
          [path.join(ROOT, 'scripts/staff-invite.mjs'), '--data-dir', dataDir, ...args],
          {
            cwd: ROOT,
            env: variables,
            encoding: 'utf8',
          },
        )

      const refused = run('--role', 'owner')
      expect(refused.status).toBe(1)
      expect(refused.stderr).toContain('--role must be one of')

      const made = run('--role', 'admin')
      expect(made.stderr).toBe('')
      expect(made.status).toBe(0)
      const code = /Invite for admin: ([0-9A-Z]{16})/.exec(made.stdout)?.[1] as string
      expect(made.stdout).toContain(`Scene of its mini-program code: k=i&c=${code}`)

      const cloud = createLocalCloud({ dataDir, manifest })
      try {
        const db = asDb(cloud.database(DB_OPTIONS))
        const { data: invites } = await db.collection('staff_invites').get()
        expect(invites).toEqual([
          expect.objectContaining({
            _id: inviteId(vaultFromEnv(keys), code),
            role: 'admin',
            status: 'open',
            createdBy: 'system:staff-bootstrap',
          }),
        ])
        expect(JSON.stringify(invites)).not.toContain(code)
        const { data: entries } = await db.collection('audit_log').get()
        expect(entries).toEqual([expect.objectContaining({ purpose: 'staffAdmin', action: 'create' })])
      } finally {
        cloud.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)
})
