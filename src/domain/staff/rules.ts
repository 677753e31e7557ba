/**
 * Joining the staff (5.3): a manager or an admin creates a one-time invite, shown as a
 * mini-program code whose scene carries the invite code; the colleague scans it and becomes
 * staff with the invite's role and stores. Who may invite and manage whom is decided here.
 */
import { sceneValueOfQuery } from '../channel/scene'
import { inStoreScope, type StaffIdentity, type StaffRole } from './model'

/** An invite can be taken for 24 hours after it was created. */
export const INVITE_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Invite codes: 16 characters of Crockford's base32 (80 random bits), typed without confusion
 * (no I, L, O, U) when a code is read out instead of scanned.
 */
export const INVITE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const INVITE_CODE_LENGTH = 16

const CODE = new RegExp(`^[${INVITE_ALPHABET}]{${INVITE_CODE_LENGTH}}$`)

/**
 * The page the invite's mini-program code opens (a page of the main package, without query, as
 * wxacode.getUnlimited requires): it reads the scene and, for `k=i`, takes the colleague to
 * joining the staff with the code `c`.
 */
export const INVITE_PAGE = 'pages/index/index'

const INVITE_SCENE_PREFIX = 'k=i&c='

/** The scene of the invite's mini-program code: 22 characters, within WeChat's 32. */
export const inviteScene = (code: string): string => `${INVITE_SCENE_PREFIX}${code}`

/** A typed or scanned code in its canonical form (upper case, no spaces or dashes), or null. */
export function normaliseInviteCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, '').toUpperCase()
  return CODE.test(code) ? code : null
}

/**
 * The invite code an opened page's `scene` query parameter carries (WeChat passes the scene of
 * `inviteScene` URL-encoded), or null for anything else (a channel's scene, no scene, garbage).
 */
export function inviteCodeOfQuery(raw: string | undefined): string | null {
  const code = sceneValueOfQuery(raw, INVITE_SCENE_PREFIX)
  return code !== null && CODE.test(code) ? code : null
}

/**
 * The stores an account of `role` is given, or null when they do not fit the role: one store
 * for counter staff, at least one for a manager, none (every store) for the mall-wide roles.
 */
export function storesForRole(role: StaffRole, storeIds: readonly string[]): string[] | null {
  const unique = [...new Set(storeIds)]
  if (role === 'counter') return unique.length === 1 ? unique : null
  if (role === 'manager') return unique.length >= 1 ? unique : null
  return unique.length === 0 ? [] : null
}

/**
 * Whether `actor` may invite, disable or enable an account of `role` for `storeIds`: an admin
 * any account; a manager counter staff of their own stores; nobody else.
 */
export function mayManage(actor: StaffIdentity, role: StaffRole, storeIds: readonly string[]): boolean {
  if (actor.role === 'admin') return true
  if (actor.role !== 'manager' || role !== 'counter') return false
  return storeIds.length > 0 && storeIds.every((id) => inStoreScope(actor, id))
}
