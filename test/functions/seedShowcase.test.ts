/**
 * `npm start`'s showcase seed: the mall-wide personas (privacy officer, admin) and a partners
 * register with one entry of each standing, so every staff page can be tried.
 */
import { DEMO_PERSONAS, seedDemo } from '../../database/seed'
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

const showcase = () => seedDemo(env.cloud.database(), { at: new Date(env.clock.now()), showcase: true })

describe('the showcase seed', () => {
  it('adds the privacy officer and admin personas, and partners valid, expiring and ended; once', async () => {
    expect(await call(DEMO_PERSONAS.privacyOfficer, 'listPartners')).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    })
    expect(await showcase()).toBe(5)
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
  })
})
