/**
 * 会员查询 and 渠道报表 (compiled weapp, staff sub-package): the workbench offers them by role;
 * the lookup shows masked cards and reveals one field only with a reason from the list.
 */
import type { LookupAnswer } from '@/domain/contracts/lookup'
import type { StaffMember } from '@/domain/contracts/staff'
import { NOTICE, STORES, ok } from './support/fixtures'
import { launch, stubCloud, stubPrivacy, until } from './support/weapp'

const staffOf = (role: StaffMember['role']): StaffMember => ({
  staffId: `staff-${role}`,
  role,
  storeIds: role === 'privacyOfficer' ? [] : [STORES[0].id],
  displayName: role,
})

const context = (staff: StaffMember) => ({
  me: () => ok({ staff }),
  joinForm: () => ok({ notice: NOTICE, stores: STORES }),
})

const FOUND: LookupAnswer = {
  members: [
    {
      ref: 'm1',
      name: '张*',
      phone: '138****5678',
      memberNo: '********0011',
      tier: 'normal',
      tierLabel: '普通会员',
      points: 120,
      store: { id: STORES[0].id, name: STORES[0].name },
    },
  ],
  truncated: false,
  revealsLeft: 20,
}

describe('staff workbench tools for the lookup and the report (compiled weapp)', () => {
  it.each([
    ['counter', true, false],
    ['manager', true, true],
    ['privacyOfficer', false, false],
  ] as const)('offers %s 会员查询 %s and 渠道报表 %s', async (role, lookup, report) => {
    stubCloud(context(staffOf(role)))
    stubPrivacy(false)
    const page = launch('pages/workbench/index')
    await until(() => page.find('.workbench__me'), 'the staff identity')
    expect(page.find('.entry-list__item--lookup') !== undefined).toBe(lookup)
    expect(page.find('.entry-list__item--channels') !== undefined).toBe(report)
  })
})

describe('会员查询 (compiled weapp)', () => {
  it('shows masked cards and reveals the phone only after a reason is chosen', async () => {
    const reveal = jest.fn(() => ok({ field: 'phone', value: '13812345678', revealsLeft: 19 }))
    const lookup = jest.fn(() => ok(FOUND))
    stubCloud({ ...context(staffOf('counter')), lookupMember: lookup, revealField: reveal })
    stubPrivacy(false)
    const page = launch('staff/lookup/index')
    await until(() => page.find('.lookup__input'), 'the input')
    await page.type('.lookup__input', '0011')
    await page.tap('.lookup__search-button')
    await until(() => page.find('.lookup__member'), 'a member card')
    expect(lookup).toHaveBeenCalledWith(expect.objectContaining({ tail: '0011' }))
    expect(page.text('.lookup__member')).toContain('138****5678')
    expect(page.text('.lookup__member')).not.toContain('13812345678')

    await page.tap('.lookup__reveal')
    await until(() => page.find('.lookup__confirm'), 'the reason picker')
    await page.tap('.lookup__confirm')
    expect(reveal).not.toHaveBeenCalled()
    await page.tap('.chips__chip--reason-complaint')
    await page.tap('.lookup__confirm')
    await until(() => page.find('.lookup__revealed-value'), 'the revealed phone')
    expect(reveal).toHaveBeenCalledWith(
      expect.objectContaining({ ref: 'm1', field: 'phone', reason: 'complaint' }),
    )
    expect(page.text('.lookup__revealed-value')).toBe('13812345678')
    expect(page.text('.lookup__summary')).toContain('19 次')
  })
})
