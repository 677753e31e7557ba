/**
 * Licence plates (4.2.2.6; whereabouts, 3.2): up to 3 per member under the separate parking
 * consent (L-4), GA 36 format, stored encrypted in the identity document (one field holding the
 * list), one member per plate through a claim `plate:<blind index>` in identity_index — which is
 * also how the car park finds the member. Unbinding deletes the plate and its claim.
 *
 * `PLATE_TAKEN` tells that a plate is some member's: a WeChat user gets that answer 5 times a
 * day; after that every binding that day answers `PLATE_TRIES_LIMIT` (with the time to retry),
 * so the answer cannot be used to find out whose plates are registered.
 */
import { randomBytes } from 'node:crypto'

import { allows } from '../../src/domain/consent/rules'
import type { MemberContract } from '../../src/domain/contracts/member'
import { maskPlate } from '../../src/domain/identity/mask'
import { MAX_PLATES, type PlateView } from '../../src/domain/plate/model'
import { wechatActor } from '../common/audit'
import type { Clock } from '../common/clock'
import type { Erasure } from '../common/erasure'
import { fail, ok, type Result } from '../common/errors'
import type { Claims, IdentityStore } from '../common/identity'
import type { Db } from '../common/db'
import { createDailyTries } from '../common/quota'
import type { MemberDoc } from '../common/members/model'
import type { Handlers } from '../common/router'
import { selfReader, type ScopeGuard } from '../common/scope'
import type { Vault } from '../common/vault'

export interface StoredPlate {
  id: string
  plate: string
  boundAt: string
}

export function parsePlates(text: string | undefined): StoredPlate[] {
  if (!text) return []
  const list = JSON.parse(text) as StoredPlate[]
  return Array.isArray(list) ? list : []
}

/** The member's own plates, read under the parking consent (audited as the member's read). */
export async function readOwnPlates(
  deps: { guard: ScopeGuard; vault: Vault },
  openid: string,
  memberId: string,
): Promise<Result<StoredPlate[]>> {
  const read = await deps.guard.read(
    memberId,
    'parking',
    ['plates'],
    selfReader(wechatActor(deps.vault, openid)),
  )
  return read.ok ? ok(parsePlates(read.data.plates)) : read
}

const plateView = (p: StoredPlate): PlateView => ({
  id: p.id,
  plate: p.plate,
  masked: maskPlate(p.plate),
  boundAt: p.boundAt,
})

/** `PLATE_TAKEN` answers a WeChat user may get a day (China date). */
export const PLATE_TAKEN_PER_DAY = 5

type PlateActions = Pick<Handlers<MemberContract, MemberDoc>, 'plates' | 'bindPlate' | 'unbindPlate'>

export function createPlateActions(deps: {
  db: Db
  vault: Vault
  clock: Clock
  identities: IdentityStore
  claims: Claims
  guard: ScopeGuard
  erasure: Erasure
}): PlateActions {
  const { vault, identities, claims, guard, clock } = deps
  const tries = createDailyTries(deps, {
    kind: 'platetry',
    limit: PLATE_TAKEN_PER_DAY,
    refusal: 'PLATE_TRIES_LIMIT',
  })

  return {
    async plates(_input, { caller, member }) {
      const read = await readOwnPlates(deps, caller.openid, member._id)
      return read.ok ? ok({ plates: read.data.map(plateView) }) : read
    },

    async bindPlate({ plate }, { caller, member }) {
      const memberId = member._id
      const actor = wechatActor(vault, caller.openid)
      const checked = await guard.check(memberId, 'parking', actor, ['plates'])
      if (!checked.ok) return checked
      const spent = await tries.spent(caller.openid)
      if (spent) return { ...spent, field: 'plate' }
      // Answered only when it took one of the day's tries.
      if (!(await claims.claim('plate', plate, memberId)))
        return (await tries.spend(caller.openid)) ?? fail('PLATE_TAKEN', 'plate')
      const changed = await identities.modify(
        memberId,
        ['plates'],
        { purpose: 'parking', actor },
        (current) => {
          const list = parsePlates(current.plates)
          if (list.some((p) => p.plate === plate)) return fail('PLATE_DUPLICATE', 'plate')
          if (list.length >= MAX_PLATES) return fail('PLATE_LIMIT', 'plate')
          const entry = {
            id: randomBytes(8).toString('hex'),
            plate,
            boundAt: new Date(clock.now()).toISOString(),
          }
          const next = [...list, entry]
          return ok({ set: { plates: JSON.stringify(next) }, value: next })
        },
      )
      if (!changed) return fail('NOT_A_MEMBER')
      if (!changed.ok) {
        if (changed.code !== 'PLATE_DUPLICATE') await claims.release('plate', plate, memberId)
        return changed
      }
      // Parking withdrawn while this call ran: the withdrawal wins and deletes the plates (L-6).
      const now = await guard.member(memberId)
      if (!now || !allows(now, 'parking')) {
        await deps.erasure.deletePlates(memberId, actor)
        return fail('PURPOSE_CONSENT_REQUIRED', 'parking')
      }
      return ok({ plates: changed.data.map(plateView) })
    },

    async unbindPlate({ id }, { caller, member }) {
      const memberId = member._id
      const actor = wechatActor(vault, caller.openid)
      // Unbinding is always allowed, with or without the parking consent: it only deletes.
      const changed = await identities.modify(
        memberId,
        ['plates'],
        { purpose: 'parking', actor },
        (current) => {
          const list = parsePlates(current.plates)
          const gone = list.find((p) => p.id === id)
          if (!gone) return fail('PLATE_UNKNOWN', 'id')
          const next = list.filter((p) => p.id !== id)
          return ok({
            ...(next.length > 0
              ? { set: { plates: JSON.stringify(next) } }
              : { remove: ['plates' as const] }),
            value: { next, gone },
          })
        },
      )
      if (!changed) return fail('NOT_A_MEMBER')
      if (!changed.ok) return changed
      await claims.release('plate', changed.data.gone.plate, memberId)
      return ok({ plates: changed.data.next.map(plateView) })
    },
  }
}
