/**
 * `npm start`'s showcase seed: the mall-wide personas (privacy officer, admin, finance) and a partners
 * register with one entry of each standing, so every staff page can be tried.
 */
import { DB_OPTIONS } from '../../cloudfunctions/common/db'
import { DEMO_PARKING_PLATES, DEMO_PERSONAS, seedDemo } from '../../database/seed'
import { chinaDate } from '../../src/domain/dates'
import { createTestEnv, dataOf, type TestEnv } from './support'
import { staffCallOf } from './staffSupport'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const call = staffCallOf(() => env)

interface Listed {
  partners: { name: string; status: string; flags: string[] }[]
}

const showcase = () =>
  seedDemo(env.cloud.database(DB_OPTIONS), {
    at: new Date(env.clock.now()),
    showcase: true,
    keyDatabase: env.cloud.database({ ...DB_OPTIONS, env: env.cloud.keyEnv }),
  })

describe('the showcase seed', () => {
  it('adds the privacy officer, admin and finance personas, and partners valid, expiring and ended; once', async () => {
    expect(await call(DEMO_PERSONAS.privacyOfficer, 'listPartners')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    // 3 personas, 3 partners, 4 car-park events.
    expect(await showcase()).toBe(10)
    expect(await showcase()).toBe(0)
    for (const persona of ['privacyOfficer', 'admin'] as const) {
      const { partners } = dataOf<Listed>(await call(DEMO_PERSONAS[persona], 'listPartners'))
      expect(partners.map((p) => [p.status, p.flags])).toEqual(
        expect.arrayContaining([
          ['active', []],
          ['active', ['agreementExpiring']],
          ['ended', []],
        ]),
      )
      expect(partners).toHaveLength(3)
    }
    expect(dataOf<{ staff: { role: string } }>(await call(DEMO_PERSONAS.admin, 'me')).staff).toMatchObject({
      role: 'admin',
    })
    expect(await env.dump()).not.toContain(DEMO_PERSONAS.admin)
    // The mall's finance reads the points report of every store, and nothing else.
    const day = chinaDate(env.clock.now())
    expect(await call(DEMO_PERSONAS.finance, 'pointsReport', { from: day, to: day })).toMatchObject({
      ok: true,
    })
    expect(await call(DEMO_PERSONAS.finance, 'listPartners')).toMatchObject({ ok: false, code: 'FORBIDDEN' })
  })

  it('adds parking sessions at the demo car park that the desk finds masked, one of them among the last exits', async () => {
    await showcase()
    const { sessions } = dataOf<{ sessions: { plate: string; state: string; feeFen: number }[] }>(
      await call(DEMO_PERSONAS.counter, 'parkingDeskLookup', { plate: DEMO_PARKING_PLATES.left }),
    )
    expect(sessions).toEqual([expect.objectContaining({ plate: '沪K·***68', state: 'closed' })])
    expect(sessions[0].feeFen).toBeGreaterThan(0)
    const exits = dataOf<{ sessions: { plate: string; state: string }[] }>(
      await call(DEMO_PERSONAS.counter, 'parkingRecentExits', {}),
    )
    expect(exits.sessions.map((s) => [s.plate, s.state])).toEqual([
      ['浙B·***05', 'exitOnly'],
      ['沪K·***68', 'closed'],
    ])
    expect(await env.dump()).not.toContain(DEMO_PARKING_PLATES.parked)
  })
})
