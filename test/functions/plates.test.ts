import type { PlateView } from '../../src/domain/plate/model'
import { createTestEnv, dataOf, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const platesOf = (answer: unknown) => dataOf<{ plates: PlateView[] }>(answer as never).plates

async function parkingMember(phone = VALID_FORM.phone): Promise<string> {
  const openid = shopper()
  await env.member(openid, { ...VALID_FORM, phone })
  await env.grant(openid, 'parking')
  return openid
}

describe('member.bindPlate', () => {
  it('[4.2.2.6][5.1][L-7] binds a plate: encrypted, claimed by blind index, shown in clear to its owner', async () => {
    const openid = await parkingMember()
    const plates = platesOf(await env.call(openid, 'bindPlate', { plate: ' 沪ad 12345 ' }))
    expect(plates).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f]{16}$/),
        plate: '沪AD12345',
        masked: '沪A·****45',
        boundAt: expect.any(String),
      },
    ])
    const dump = await env.dump()
    expect(dump).not.toContain('沪AD12345')
    const claim = (await env.all('identity_index')).find((c) => c.kind === 'plate')
    expect(claim?._id).toBe(`plate:${env.vault.blindIndex('plate', '沪AD12345')}`)
  })

  it('[4.2.2.6] binds up to 3 plates and refuses the 4th with PLATE_LIMIT', async () => {
    const openid = await parkingMember()
    for (const plate of ['京A12345', '京B12345', '京C12345'])
      expect(await env.call(openid, 'bindPlate', { plate })).toMatchObject({ ok: true })
    expect(await env.call(openid, 'bindPlate', { plate: '京D12345' })).toMatchObject({
      ok: false,
      code: 'PLATE_LIMIT',
      field: 'plate',
    })
    expect((await env.all('identity_index')).filter((c) => c.kind === 'plate')).toHaveLength(3)
  })

  it('[4.2.2.6] 6 simultaneous binds of different plates end with exactly 3', async () => {
    const openid = await parkingMember()
    const answers = await Promise.all(
      ['京A11111', '京A22222', '京A33333', '京A44444', '京A55555', '京A66666'].map((plate) =>
        env.call(openid, 'bindPlate', { plate }),
      ),
    )
    expect(answers.filter((a) => a.ok)).toHaveLength(3)
    expect(platesOf(await env.call(openid, 'plates'))).toHaveLength(3)
    expect((await env.all('identity_index')).filter((c) => c.kind === 'plate')).toHaveLength(3)
  })

  it('[4.2.2.6] refuses a plate bound by another member with PLATE_TAKEN, and one already bound with PLATE_DUPLICATE', async () => {
    const first = await parkingMember('13900000001')
    const second = await parkingMember('13900000002')
    await env.call(first, 'bindPlate', { plate: '京A12345' })
    expect(await env.call(second, 'bindPlate', { plate: '京a12345' })).toMatchObject({ code: 'PLATE_TAKEN' })
    expect(await env.call(first, 'bindPlate', { plate: '京A12345' })).toMatchObject({
      code: 'PLATE_DUPLICATE',
    })
    expect(platesOf(await env.call(second, 'plates'))).toEqual([])
  })

  it('[4.2.2.6] tells a WeChat user that a plate is taken 5 times a day, then refuses every binding until the next day', async () => {
    const owner = await parkingMember('13900000001')
    const prober = await parkingMember('13900000002')
    const taken = ['京A12345', '京B12345', '京C12345']
    for (const plate of taken) await env.call(owner, 'bindPlate', { plate })
    // 10 probes at once: at most 5 are told PLATE_TAKEN.
    const probes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => env.call(prober, 'bindPlate', { plate: taken[i % 3] })),
    )
    expect(probes.filter((a) => !a.ok && a.code === 'PLATE_TAKEN').length).toBeLessThanOrEqual(5)
    expect(probes.every((a) => !a.ok && ['PLATE_TAKEN', 'PLATE_TRIES_LIMIT'].includes(a.code))).toBe(true)
    // A free plate gets the same answer as a taken one now: nothing is learnt.
    expect(await env.call(prober, 'bindPlate', { plate: '沪D54321' })).toMatchObject({
      ok: false,
      code: 'PLATE_TRIES_LIMIT',
      field: 'plate',
      retryAfter: 14 * 3600,
    })
    expect(platesOf(await env.call(prober, 'plates'))).toEqual([])
    env.clock.set('2024-06-15T16:00:00.000Z')
    expect(await env.call(prober, 'bindPlate', { plate: '沪D54321' })).toMatchObject({ ok: true })
  })

  it.each<[string, unknown, string]>([
    ['an invalid plate (I is never used)', '京AI2345', 'PLATE_INVALID'],
    ['no plate', undefined, 'PLATE_INVALID'],
    ['a plate that is a number', 12345, 'INVALID_ARGUMENT'],
    ['a huge plate', '京'.repeat(1000), 'FIELD_TOO_LONG'],
    ['a province that does not exist', '港A12345', 'PLATE_INVALID'],
  ])('[4.2.2.6] refuses %s with %s and writes nothing', async (_case, plate, code) => {
    const openid = await parkingMember()
    const before = await env.counts()
    expect(await env.call(openid, 'bindPlate', { plate })).toMatchObject({ ok: false, code, field: 'plate' })
    expect(await env.counts()).toEqual(before)
  })

  it('[L-4][6.6.1] needs the separate parking consent', async () => {
    const openid = shopper()
    await env.member(openid)
    expect(await env.call(openid, 'bindPlate', { plate: '京A12345' })).toMatchObject({
      code: 'PURPOSE_CONSENT_REQUIRED',
      field: 'parking',
    })
    expect(await env.call(openid, 'plates')).toMatchObject({ code: 'PURPOSE_CONSENT_REQUIRED' })
  })
})

describe('member.unbindPlate', () => {
  it('[4.2.2.6][L-6] deletes the plate and its claim at once; another member may then bind it', async () => {
    const first = await parkingMember('13900000001')
    const [plate] = platesOf(await env.call(first, 'bindPlate', { plate: '京A12345' }))
    expect(platesOf(await env.call(first, 'unbindPlate', { id: plate.id }))).toEqual([])
    expect((await env.all('identity_index')).filter((c) => c.kind === 'plate')).toHaveLength(0)
    const [identity] = await env.all('identities')
    expect(identity.fields).not.toHaveProperty('plates')
    const second = await parkingMember('13900000002')
    expect(await env.call(second, 'bindPlate', { plate: '京A12345' })).toMatchObject({ ok: true })
  })

  it('[4.2.2.6] answers PLATE_UNKNOWN for an id that is not one of the member’s plates', async () => {
    const openid = await parkingMember()
    expect(await env.call(openid, 'unbindPlate', { id: '0123456789abcdef' })).toMatchObject({
      code: 'PLATE_UNKNOWN',
    })
    expect(await env.call(openid, 'unbindPlate', { id: { $ne: '' } })).toMatchObject({
      code: 'PLATE_UNKNOWN',
    })
  })
})
