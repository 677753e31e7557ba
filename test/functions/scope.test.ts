/**
 * The scope guard's reader (L-7, L-14): a member reading their own data gets it in clear; staff
 * get every field masked by the inventory's rule unless the action is a declared reveal; every
 * read, masked or not, is in the audit log under the reader's name.
 */
import { selfReader } from '../../cloudfunctions/common/scope'
import { createTestEnv, shopper, VALID_FORM, type TestEnv } from './support'

let env: TestEnv
beforeEach(async () => {
  env = await createTestEnv()
})
afterEach(() => env.cloud.close())

const FIELDS = ['name', 'phone', 'birthDate'] as const

async function memberWithData(): Promise<string> {
  return env.member(shopper(), {
    ...VALID_FORM,
    name: '张三丰',
    phone: '13812345678',
    birthDate: '1990-05-17',
  })
}

describe('the scope guard', () => {
  it('[L-7][L-8] gives a member their own data in clear', async () => {
    const memberId = await memberWithData()
    const read = await env.deps().guard.read(memberId, 'membership', [...FIELDS], selfReader('wx:self'))
    expect(read).toEqual({
      ok: true,
      data: { name: '张三丰', phone: '13812345678', birthDate: '1990-05-17' },
    })
  })

  it('[L-7] gives staff each field masked by the inventory, and in clear only for a declared reveal', async () => {
    const memberId = await memberWithData()
    const { guard } = env.deps()
    const masked = await guard.read(memberId, 'membership', [...FIELDS], {
      actor: 'staff:s1',
      viewer: 'staff',
    })
    expect(masked).toEqual({
      ok: true,
      data: { name: '张**', phone: '138****5678', birthDate: '1990-**-**' },
    })
    const revealed = await guard.read(memberId, 'membership', ['phone'], {
      actor: 'staff:s1',
      viewer: 'staff',
      reveal: true,
    })
    expect(revealed).toEqual({ ok: true, data: { phone: '13812345678' } })
  })

  it('[L-14] audits every read under the reader, masked ones too', async () => {
    const memberId = await memberWithData()
    const { guard } = env.deps()
    await guard.read(memberId, 'membership', ['phone'], { actor: 'staff:s1', viewer: 'staff' })
    await guard.read(memberId, 'membership', ['phone'], { actor: 'staff:s2', viewer: 'staff', reveal: true })
    const reads = (await env.all('audit_log')).filter((e) => e.action === 'read' && e.memberId === memberId)
    expect(reads.map((e) => [e.actor, e.fields, e.success])).toEqual(
      expect.arrayContaining([
        ['staff:s1', ['phone'], true],
        ['staff:s2', ['phone'], true],
      ]),
    )
  })
})
