import { listOf, required, schema } from '@/domain/input'
import type { StaffIdentity } from '@/domain/staff/model'
import {
  inviteCodeOfQuery,
  inviteScene,
  mayManage,
  normaliseInviteCode,
  storesForRole,
} from '@/domain/staff/rules'

const staff = (role: StaffIdentity['role'], storeIds: StaffIdentity['storeIds']): StaffIdentity => ({
  id: `s-${role}`,
  role,
  storeIds,
})

describe('staff invites and who manages whom', () => {
  it('reads a typed code in any case, with spaces or dashes; refuses anything else', () => {
    expect(normaliseInviteCode('abcd-efgh jkmn pqrs')).toBe('ABCDEFGHJKMNPQRS')
    expect(normaliseInviteCode('ABCDEFGHJKMNPQRI')).toBeNull()
    expect(normaliseInviteCode('ABCDEFGHJKMNPQR')).toBeNull()
  })

  it('fits a scene within the 32 characters wxacode.getUnlimited allows', () => {
    expect(inviteScene('ABCDEFGHJKMNPQRS')).toHaveLength(22)
  })

  it('reads the invite code back from the scene a page is opened with, and nothing else', () => {
    const scene = inviteScene('ABCDEFGHJKMNPQRS')
    expect(inviteCodeOfQuery(encodeURIComponent(scene))).toBe('ABCDEFGHJKMNPQRS')
    expect(inviteCodeOfQuery(scene)).toBe('ABCDEFGHJKMNPQRS')
    expect(inviteCodeOfQuery('k%3Dg%26c%3DXh7a')).toBeNull()
    expect(inviteCodeOfQuery('k=i&c=ABCDEFGHJKMNPQRI')).toBeNull()
    expect(inviteCodeOfQuery('%E0%A4%A')).toBeNull()
    expect(inviteCodeOfQuery(undefined)).toBeNull()
  })

  it.each([
    ['counter', ['a'], ['a']],
    ['counter', ['a', 'b'], null],
    ['counter', [], null],
    ['manager', ['a', 'b', 'a'], ['a', 'b']],
    ['manager', [], null],
    ['admin', [], []],
    ['privacyOfficer', ['a'], null],
  ] as const)('gives %s the stores %j: %j', (role, given, expected) => {
    expect(storesForRole(role, given)).toEqual(expected)
  })

  it('[5.3] lets a manager manage counter staff of their own stores only, an admin anyone, others no one', () => {
    const manager = staff('manager', ['a', 'b'])
    expect(mayManage(manager, 'counter', ['a'])).toBe(true)
    expect(mayManage(manager, 'counter', ['c'])).toBe(false)
    expect(mayManage(manager, 'manager', ['a'])).toBe(false)
    expect(mayManage(staff('admin', 'all'), 'admin', [])).toBe(true)
    expect(mayManage(staff('privacyOfficer', 'all'), 'counter', ['a'])).toBe(false)
    expect(mayManage(staff('counter', ['a']), 'counter', ['a'])).toBe(false)
  })
})

describe('listOf', () => {
  const stores = schema({ storeIds: listOf(required(8, 'STAFF_STORES_INVALID'), 2) })
  const parse = (data: unknown) => stores.parse(data, { today: '2024-06-15' })

  it('reads a list of values, absent as empty, and names the list on a bad item or too many', () => {
    expect(parse({ storeIds: ['a', ' b '] })).toEqual({ ok: true, data: { storeIds: ['a', 'b'] } })
    expect(parse({})).toEqual({ ok: true, data: { storeIds: [] } })
    expect(parse({ storeIds: ['a', ''] })).toMatchObject({
      ok: false,
      code: 'STAFF_STORES_INVALID',
      field: 'storeIds',
    })
    expect(parse({ storeIds: ['a', 'b', 'c'] })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
    expect(parse({ storeIds: 'a' })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' })
  })
})
