/**
 * Licence plates (4.2.2.6; whereabouts, 3.2): up to 3 per member under the separate parking
 * consent (L-4), GA 36 format, stored encrypted in the identity document (one field holding the
 * list), one member per plate through a claim `plate:<blind index>` in identity_index — which is
 * also how the car park finds the member. Unbinding deletes the plate and its claim.
 */
import { randomBytes } from 'node:crypto'

import { maskPlate } from '../../src/domain/mask'
import { MAX_PLATES, normalisePlateInput, type PlateView } from '../../src/domain/selfService'
import { isValidPlate } from '../../src/domain/validators'
import { fail, ok, type Result } from '../common/errors'
import type { Caller } from '../common/router'
import { allows } from '../common/scope'
import type { MemberContext } from './context'

interface StoredPlate {
  id: string
  plate: string
  boundAt: string
}

const PLATE_INPUT_MAX = 16
const PLATE_ID = /^[0-9a-f]{16}$/

export function parsePlates(text: string | undefined): StoredPlate[] {
  if (!text) return []
  const list = JSON.parse(text) as StoredPlate[]
  return Array.isArray(list) ? list : []
}

const plateView = (p: StoredPlate): PlateView => ({
  id: p.id,
  plate: p.plate,
  masked: maskPlate(p.plate),
  boundAt: p.boundAt,
})

export interface PlateActions {
  plates(caller: Caller): Promise<Result<{ plates: PlateView[] }>>
  bindPlate(caller: Caller, data: Record<string, unknown>): Promise<Result<{ plates: PlateView[] }>>
  unbindPlate(caller: Caller, data: Record<string, unknown>): Promise<Result<{ plates: PlateView[] }>>
}

export function createPlateActions(ctx: MemberContext): PlateActions {
  const { identities, claims, guard, clock } = ctx

  return {
    async plates(caller) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const read = await guard.read(member.data._id, 'parking', ['plates'], ctx.actor(caller))
      if (!read.ok) return read
      return ok({ plates: parsePlates(read.data.plates).map(plateView) })
    },

    async bindPlate(caller, data) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const raw = data.plate
      if (typeof raw !== 'string')
        return fail(raw === undefined ? 'PLATE_INVALID' : 'INVALID_ARGUMENT', 'plate')
      if (raw.length > PLATE_INPUT_MAX) return fail('FIELD_TOO_LONG', 'plate')
      const plate = normalisePlateInput(raw)
      if (!isValidPlate(plate)) return fail('PLATE_INVALID', 'plate')
      const memberId = member.data._id
      const actor = ctx.actor(caller)
      const checked = await guard.check(memberId, 'parking', actor, ['plates'])
      if (!checked.ok) return checked

      if (!(await claims.claim('plate', plate, memberId))) return fail('PLATE_TAKEN', 'plate')
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
        await ctx.erasure.deletePlates(memberId, actor)
        return fail('PURPOSE_CONSENT_REQUIRED', 'parking')
      }
      return ok({ plates: changed.data.map(plateView) })
    },

    async unbindPlate(caller, data) {
      const member = await ctx.requireMember(caller)
      if (!member.ok) return member
      const id = data.id
      if (typeof id !== 'string' || !PLATE_ID.test(id)) return fail('PLATE_UNKNOWN', 'id')
      const memberId = member.data._id
      const actor = ctx.actor(caller)
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
