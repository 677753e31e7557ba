/**
 * Who may call an action (5.3, L-17). Every action of every function declares the principals it
 * admits; the router resolves the caller from the platform and checks the declaration on every
 * call, server-side, before the input is parsed or the handler runs.
 */
import type { StaffIdentity, StaffRole } from './staff/model'

/**
 * - `shopper`: any WeChat user the platform identifies, member or not, without looking them up;
 * - `guest`: a WeChat user who is not a member;
 * - `member`: an active member;
 * - `pendingMember`: a member aged 14 or under waiting for a guardian's consent (L-5);
 * - a staff role, with the store scope of the staff member.
 */
export type Principal = 'shopper' | 'guest' | 'member' | 'pendingMember' | StaffRole

export type Access = readonly Principal[]

/** Who is calling, from the platform only (L-17), and what the server found them to be. */
export interface Caller {
  openid: string
  appid?: string
  /** The platform's call source (`wx_client`, `wx_devtools`, local-cloud's `h5` …). */
  source?: string
  /** Present when the action admits staff roles and the caller is active staff. */
  staff?: StaffIdentity
}

/** The principals the router finds the caller's member record for (and hands it to the handler). */
export const MEMBER_PRINCIPALS: readonly Principal[] = ['guest', 'member', 'pendingMember']

/** Whether an action admits only members: its handler is always given the member record. */
export type MembersOnly<A extends Access> = A[number] extends 'member' | 'pendingMember' ? true : false
