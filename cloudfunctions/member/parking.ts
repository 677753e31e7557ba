/**
 * Parking for shoppers (issue #12; src/domain/contracts/parking.ts): a member's bound plates'
 * open sessions with their quote (reading the plates is a read under the parking consent,
 * audited), and anyone's look-up by a typed plate — the open session's quote with no member's
 * data and the plate masked, a few a day per WeChat user (PARKING_BY_PLATE_PER_DAY), so it
 * cannot be used to follow a plate.
 */
import type { parkingMemberContract, ParkingQuote } from '../../src/domain/contracts/parking'
import { fail, ok } from '../../src/domain/errors'
import type { Clock } from '../common/clock'
import { COLLECTIONS, type Db } from '../common/db'
import type { MemberDoc } from '../common/members/model'
import { createParkingQuotes } from '../common/parking/quote'
import type { SessionDoc } from '../common/parking/sessions'
import { createTariffBook } from '../common/parking/tariffs'
import { createDailyTries } from '../common/quota'
import type { Handlers } from '../common/router'
import type { ScopeGuard } from '../common/scope'
import type { Vault } from '../common/vault'
import { readOwnPlates } from './plates'

/** Look-ups by plate a WeChat user gets a day (China date). */
export const PARKING_BY_PLATE_PER_DAY = 10

/** Open sessions of a member's plates read at most (3 plates, each open at one car park or two). */
const OPEN_MAX = 10

export function createParkingMemberActions(deps: {
  db: Db
  vault: Vault
  clock: Clock
  guard: ScopeGuard
}): Handlers<typeof parkingMemberContract, MemberDoc> {
  const { db, vault } = deps
  const _ = db.command
  const quotes = createParkingQuotes({ db, clock: deps.clock, tariffs: createTariffBook(deps.clock) })
  const tries = createDailyTries(deps, {
    kind: 'parkplate',
    limit: PARKING_BY_PLATE_PER_DAY,
    refusal: 'PARKING_LOOKUP_LIMIT',
  })

  const openSessions = async (plateIndexes: string[], max: number) =>
    (
      await db
        .collection(COLLECTIONS.parkingSessions)
        .where({
          plateIndex: plateIndexes.length === 1 ? plateIndexes[0] : _.in(plateIndexes),
          state: 'open',
        })
        .orderBy('sortAt', 'desc')
        .limit(max)
        .get()
    ).data as SessionDoc[]

  return {
    async parkingSession(_input, { caller, member }) {
      const read = await readOwnPlates(deps, caller.openid, member._id)
      if (!read.ok) return read
      const plates = read.data.map((p) => p.plate)
      if (plates.length === 0) return ok({ sessions: [] })
      const byIndex = new Map(plates.map((plate) => [vault.blindIndex('plate', plate), plate]))
      const sessions: ParkingQuote[] = []
      for (const session of await openSessions([...byIndex.keys()], OPEN_MAX)) {
        const quote = await quotes.quoteParking({
          session,
          plate: byIndex.get(session.plateIndex) as string,
          member,
        })
        if (quote) sessions.push(quote)
      }
      return ok({ sessions })
    },

    async parkingByPlate({ plate }, { caller }) {
      // Every look-up takes one of the day's tries, found or not.
      const spent = await tries.spend(caller.openid)
      if (spent) return spent
      const [session] = await openSessions([vault.blindIndex('plate', plate)], 1)
      if (!session) return fail('PARKING_SESSION_NONE', 'plate')
      const quote = await quotes.quoteParking({ session, plate })
      return quote ? ok({ session: quote }) : fail('PARKING_TARIFF_MISSING')
    },
  }
}
