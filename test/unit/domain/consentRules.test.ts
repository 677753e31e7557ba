import { allows, allowsOwnView, type ConsentHolder } from '@/domain/consent/rules'
import { PURPOSES } from '@/domain/consent/purposes'

const at = (version: number) => ({ granted: true, noticeVersion: version, at: new Date(0) })
const current = (purpose: keyof typeof PURPOSES) => at(PURPOSES[purpose].scopeVersion)
const older = (purpose: keyof typeof PURPOSES) => at(PURPOSES[purpose].scopeVersion - 1)

function member(
  consents: ConsentHolder['consents'],
  status: ConsentHolder['status'] = 'active',
): ConsentHolder {
  return { status, consents }
}

describe('consent rules: own views under a wider basic scope', () => {
  it('[L-8] lets the member see their basic data while the basic consent awaits the wider scope', () => {
    const holder = member({ membership: older('membership') })
    expect(allows(holder, 'membership')).toBe(false)
    expect(allowsOwnView(holder, 'membership')).toBe(true)
  })

  it('[6.1.2] keeps an optional purpose behind its own current consent, even for the member’s view', () => {
    expect(
      allowsOwnView(member({ membership: current('membership'), parking: older('parking') }), 'parking'),
    ).toBe(false)
    expect(
      allowsOwnView(member({ membership: older('membership'), parking: current('parking') }), 'parking'),
    ).toBe(true)
  })

  it('refuses a withdrawn basic consent and a member who is gone, as `allows` does', () => {
    const withdrawn = { ...current('membership'), granted: false }
    expect(allowsOwnView(member({ membership: withdrawn }), 'membership')).toBe(false)
    expect(allowsOwnView(member({}), 'membership')).toBe(false)
    expect(allowsOwnView(member({ membership: current('membership') }, 'guardian_pending'), 'parking')).toBe(
      false,
    )
  })
})
