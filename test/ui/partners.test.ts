/**
 * The partners register's pages (compiled weapp): the workbench's warning card for the register's
 * keepers, and the list with what needs a look.
 */
import type { StaffMember } from '@/domain/contracts/staff'
import type { Partner } from '@/domain/partner/model'
import { NOTICE, STORES, ok } from './support/fixtures'
import { launch, stubCloud, stubNavigation, stubPrivacy, until } from './support/weapp'

const OFFICER: StaffMember = {
  staffId: 'staff-p',
  role: 'privacyOfficer',
  storeIds: [],
  displayName: '李女士',
}

const partner = (name: string, flags: Partner['flags']): Partner => ({
  partnerId: `partner-${name}`,
  name,
  kind: 'supplier',
  reach: ['sms', 'contact'],
  agreement: { ref: 'NDA-1', signedOn: '2025-01-01', expiresOn: '2026-03-20' },
  cert: { level: '3', ref: 'C-1', expiresOn: '2027-01-01' },
  status: 'active',
  approvedBy: 'staff-p',
  flags,
})

const PARTNERS = [partner('云短信', ['agreementExpiring']), partner('停车系统', [])]

describe('partners register (compiled weapp)', () => {
  it('[4.1.4] warns the privacy officer on the workbench of agreements that need a look', async () => {
    stubCloud({
      me: () => ok({ staff: OFFICER }),
      joinForm: () => ok({ notice: NOTICE, stores: STORES }),
      listPartners: () => ok({ partners: PARTNERS }),
    })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch('pages/workbench/index')

    await until(() => page.find('.workbench__warning'), 'the warning card')
    expect(page.text('.workbench__warning-title')).toBe('1 个合作方需要处理')
    expect(page.find('.entry-list__item--partners')).toBeDefined()
    await page.tap('.workbench__warning')
    expect(navigation.navigateTo.mock.calls[0][0]).toMatchObject({ url: '/staff/partners/index' })
  })

  it('[4.1.4] lists partners with what they reach and their flags, flagged first', async () => {
    stubCloud({ listPartners: () => ok({ partners: [...PARTNERS].reverse() }) })
    stubPrivacy(false)
    const page = launch('staff/partners/index')

    await until(() => page.find('.partners__item'), 'the partners')
    expect(page.findAll('.partners__name').map((n) => n?.dom?.textContent)).toEqual(['云短信', '停车系统'])
    expect(page.text('.partners__flag')).toBe('保密协议 30 天内到期')
    expect(page.text('.partners__line')).toContain('短信发送')
  })
})
