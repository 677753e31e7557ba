/**
 * The staff pages (compiled weapp, staff sub-package) and the member centre's way into them:
 * the workbench's tools by role, creating an invite and showing its mini-program code, the staff
 * list's disable with confirmation, the workbench entry for staff only, and joining the staff
 * from an invite's scene.
 */
import type { StaffListEntry, StaffMember } from '@/domain/contracts/staff'
import { ERROR_MESSAGES } from '@/domain/errors'
import { inviteScene } from '@/domain/staff/rules'
import { MEMBER, NOTICE, STORES, ok, STORE_MANAGER } from './support/fixtures'
import { launch, stubCloud, stubNavigation, stubPrivacy, until } from './support/weapp'

const g = global as unknown as { wx: Record<string, unknown> }

const MANAGER = STORE_MANAGER
const COUNTER: StaffMember = {
  staffId: 'staff-c',
  role: 'counter',
  storeIds: [STORES[0].id],
  counterId: 'counter-nj-lancome',
  displayName: '兰蔻专柜导购',
}
const OFFICER: StaffMember = {
  staffId: 'staff-p',
  role: 'privacyOfficer',
  storeIds: [],
  displayName: '李女士',
}

const CODE = 'ABCDEFGHJKMNPQRS'
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='

const refusal = (code: keyof typeof ERROR_MESSAGES) => () => ({
  ok: false,
  code,
  message: ERROR_MESSAGES[code],
})

/** The answers every staff page loads with: `me`, and the stores from the sign-up form. */
const context = (staff: StaffMember | null) => ({
  me: () => ok({ staff }),
  joinForm: () => ok({ notice: NOTICE, stores: STORES }),
})

/** WeChat's confirmation dialog, answered `confirm`. */
function stubModal(confirm: boolean): jest.Mock {
  const modal = jest.fn(({ success }: { success: (r: unknown) => void }) =>
    success({ confirm, cancel: !confirm, errMsg: 'showModal:ok' }),
  )
  g.wx.showModal = modal
  return modal
}

describe('staff workbench (compiled weapp)', () => {
  it('shows a manager who they are and the tools a manager may use', async () => {
    stubCloud(context(MANAGER))
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch('pages/workbench/index')

    await until(() => page.find('.workbench__me'), 'the staff identity')
    expect(page.text('.workbench__name')).toBe('南京路店店长')
    expect(page.text('.workbench__role')).toBe('店长')
    expect(page.text('.workbench__store')).toBe('南京路店')
    expect(page.find('.entry-list__item--invite')).toBeDefined()
    expect(page.find('.entry-list__item--list')).toBeDefined()
    await page.tap('.entry-list__item--invite')
    expect(navigation.navigateTo.mock.calls[0][0]).toMatchObject({ url: '/staff/invite/index' })
  })

  it.each([
    ['counter', COUNTER, false, false],
    ['privacyOfficer', OFFICER, false, true],
  ] as const)('offers %s only the tools the role may use', async (_role, staff, invite, list) => {
    stubCloud(context(staff))
    stubPrivacy(false)
    const page = launch('pages/workbench/index')

    await until(() => page.find('.workbench__me'), 'the staff identity')
    expect(page.text('.workbench__role')).toBe(
      staff.role === 'counter' ? '导购 / 服务台' : '个人信息保护负责人',
    )
    expect(page.find('.entry-list__item--invite') !== undefined).toBe(invite)
    expect(page.find('.entry-list__item--list') !== undefined).toBe(list)
  })

  it('tells a shopper who is not staff how to join', async () => {
    stubCloud(context(null))
    stubPrivacy(false)
    const page = launch('pages/workbench/index')

    await until(() => page.find('.workbench__none'), 'the not-staff card')
    expect(page.find('.entry-list__item--invite')).toBeUndefined()
  })
})

describe('staff invite (compiled weapp)', () => {
  it('creates a counter invite for a counter of the manager’s store and shows its mini-program code and code', async () => {
    const calls = stubCloud({
      ...context(MANAGER),
      listCounters: () => ok({ counters: [{ counterId: COUNTER.counterId, name: '兰蔻专柜', floor: 'L1' }] }),
      createInvite: () => ok({ code: CODE, expiresAt: '2026-12-08T02:30:00.000Z', scene: inviteScene(CODE) }),
      inviteCode: () => ok({ png: PNG, scene: inviteScene(CODE) }),
      revokeInvite: () => ok({ revoked: true }),
    })
    stubPrivacy(false)
    const modal = stubModal(true)
    const page = launch('staff/invite/index')

    await until(() => page.find('.invite__create'), 'the invite form')
    // A manager invites counter staff of their own stores only, to one of the store's counters.
    const counter = `.chips__chip--counter-${COUNTER.counterId}`
    await until(() => page.find(counter), 'the store’s counters')
    expect(page.text(counter)).toBe('兰蔻专柜 L1')
    expect(calls.find((c) => c.action === 'listCounters')?.data).toEqual({ storeId: STORES[0].id })
    expect(page.findAll('.chips__chip')).toHaveLength(3)
    await page.tap(counter)
    await until(() => page.find(`${counter}.chips__chip--selected`), 'the chosen counter')
    await page.tap('.invite__create')
    await until(() => page.find('.invite__qr'), 'the mini-program code')

    expect(calls.find((c) => c.action === 'createInvite')?.data).toEqual({
      role: 'counter',
      storeIds: [STORES[0].id],
      counterId: COUNTER.counterId,
    })
    expect(calls.find((c) => c.action === 'inviteCode')?.data).toEqual({ code: CODE })
    expect(page.attribute('.invite__qr', 'src')).toBe(`data:image/png;base64,${PNG}`)
    expect(page.text('.invite__code')).toBe('ABCD EFGH JKMN PQRS')
    expect(page.text('.invite__expiry')).toContain('2026-12-08 10:30')

    await page.tap('.invite__revoke')
    await until(() => page.find('.invite__another'), 'the revoked invite')
    expect(modal).toHaveBeenCalledTimes(1)
    expect(calls.find((c) => c.action === 'revokeInvite')?.data).toEqual({ code: CODE })
    expect(page.find('.invite__qr')).toBeUndefined()
  })

  it('shows the server’s refusal and no code', async () => {
    stubCloud({
      ...context(MANAGER),
      listCounters: () => ok({ counters: [] }),
      createInvite: refusal('STORE_UNKNOWN'),
    })
    stubPrivacy(false)
    const page = launch('staff/invite/index')

    await until(() => page.find('.invite__create'), 'the invite form')
    await page.tap('.invite__create')
    await until(() => page.find('.form-alert'), 'the refusal')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.STORE_UNKNOWN)
    expect(page.find('.invite__qr')).toBeUndefined()
  })
})

describe('staff list (compiled weapp)', () => {
  const entry = (staff: StaffMember, status: StaffListEntry['status']): StaffListEntry => ({
    ...staff,
    status,
  })

  it('disables a colleague after confirmation, and shows a refusal in the server’s words', async () => {
    let refuse = false
    const calls = stubCloud({
      ...context(MANAGER),
      listStaff: () => ok({ staff: [entry(MANAGER, 'active'), entry(COUNTER, 'active')] }),
      disableStaff: () => (refuse ? refusal('STAFF_UNKNOWN')() : ok({ staff: entry(COUNTER, 'disabled') })),
      enableStaff: refusal('STAFF_UNKNOWN'),
    })
    stubPrivacy(false)
    const modal = stubModal(true)
    const page = launch('staff/list/index')

    await until(() => page.find('.staff-list__toggle'), 'the staff list')
    // Not oneself.
    expect(page.findAll('.staff-list__toggle')).toHaveLength(1)
    await page.tap('.staff-list__toggle--disable')
    await until(() => page.find('.staff-list__item--disabled'), 'the disabled colleague')
    expect(modal).toHaveBeenCalledTimes(1)
    expect(calls.find((c) => c.action === 'disableStaff')?.data).toEqual({ staffId: 'staff-c' })
    expect(page.text('.staff-list__item--disabled .staff-list__meta')).toContain('已停用')

    refuse = true
    await page.tap('.staff-list__toggle--enable')
    await until(() => page.find('.form-alert'), 'the refusal')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES.STAFF_UNKNOWN)
  })
})

describe('member centre for staff (compiled weapp)', () => {
  it('opens the 员工 tab for staff when the app opens on the home page', async () => {
    stubCloud({ home: () => ok({ member: MEMBER }), me: () => ok({ staff: COUNTER }) })
    stubPrivacy(false)
    const navigation = stubNavigation()
    launch('pages/index/index')

    await until(() => navigation.switchTab.mock.calls[0], 'the switch to the 员工 tab')
    expect(navigation.switchTab.mock.calls[0][0]).toMatchObject({ url: '/pages/workbench/index' })
  })

  it('shows staff a 员工工作台 entry that opens the 员工 tab', async () => {
    stubCloud({ home: () => ok({ member: MEMBER }), me: () => ok({ staff: COUNTER }) })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch('pages/index/index')

    await until(() => page.find('.home__staff'), 'the 员工工作台 entry')
    // The landing switch of the launch first, then the entry's own.
    await until(() => navigation.switchTab.mock.calls[0], 'the landing switch')
    expect(page.text('.home__staff-title')).toBe('员工工作台')
    await page.tap('.home__staff')
    await until(() => navigation.switchTab.mock.calls[1], 'the switch to the 员工 tab')
    expect(navigation.switchTab.mock.calls[1][0]).toMatchObject({ url: '/pages/workbench/index' })
  })

  it('shows members who are not staff nothing new', async () => {
    stubCloud({ home: () => ok({ member: MEMBER }), me: () => ok({ staff: null }) })
    stubPrivacy(false)
    const page = launch('pages/index/index')

    await until(() => page.find('.member-card'), 'the member card')
    await page.settle()
    expect(page.find('.home__join-staff')).toBeUndefined()
    expect(page.find('.home__staff')).toBeUndefined()
  })

  it('joins the staff from an invite’s scene and opens the workbench', async () => {
    let staff: StaffMember | null = null
    const calls = stubCloud({
      home: () => ok({ member: null }),
      me: () => ok({ staff }),
      redeemInvite: () => {
        staff = COUNTER
        return ok({ staff })
      },
    })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch('pages/index/index', { scene: encodeURIComponent(inviteScene(CODE)) })

    await until(() => page.find('.home__join-staff'), 'the join confirmation')
    expect(calls.some((c) => c.action === 'redeemInvite')).toBe(false)
    await page.tap('.home__join-staff-go')
    await until(() => navigation.switchTab.mock.calls[0], 'the switch to the 员工 tab')
    expect(calls.find((c) => c.action === 'redeemInvite')?.data).toEqual({ code: CODE })
    expect(navigation.switchTab.mock.calls[0][0]).toMatchObject({ url: '/pages/workbench/index' })
    await until(() => !page.find('.home__join-staff'), 'the join confirmation gone')
  })

  it.each(['INVITE_INVALID', 'ALREADY_STAFF'] as const)('shows why joining failed: %s', async (code) => {
    stubCloud({
      home: () => ok({ member: null }),
      me: () => ok({ staff: null }),
      redeemInvite: refusal(code),
    })
    stubPrivacy(false)
    const navigation = stubNavigation()
    const page = launch('pages/index/index', { scene: encodeURIComponent(inviteScene(CODE)) })

    await until(() => page.find('.home__join-staff'), 'the join confirmation')
    await page.tap('.home__join-staff-go')
    await until(() => page.find('.form-alert'), 'the refusal')
    expect(page.text('.form-alert__message')).toBe(ERROR_MESSAGES[code])
    expect(navigation.navigateTo).not.toHaveBeenCalled()
  })
})
