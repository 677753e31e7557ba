/**
 * Data keys of the car parks' days (plates are whereabouts, SPEC 3.2): a session's plate is
 * encrypted under the key of its car park and of the China day of the session's last event, so
 * every plate of one day at one car park goes with one key. The keys live wrapped (under the
 * master key, like members' keys) in `parking_keys` of the key environment, `_id` =
 * `<car park>:<day>`; the retention sweep `parkingDayKeys` removes a day's key once the day's
 * sessions are past their retention, so no backup of the main environment can reveal a plate.
 *
 * Not in `member_keys`: that collection is walked by the orphan sweep and the master-key
 * rotation, which know member and card owners only.
 */
import { chinaDate } from '../../../src/domain/dates'
import type { Clock } from '../clock'
import { addUnique, COLLECTIONS, type Db } from '../db'
import { wrappedKeyOf } from '../keystore'
import { VaultError, type MemberCipher, type Vault } from '../vault'

export const dayKeyId = (carParkId: string, day: string) => `${carParkId}:${day}`

/** What the wrapped key's associated data names: no other owner's key opens as this one. */
export const dayKeyOwner = (carParkId: string, day: string) => `parking:${carParkId}:${day}`

export interface DayKeys {
  /** The key of a car park's day, made on first use. */
  forDay(carParkId: string, day: string): Promise<MemberCipher>
  /** The key of a day if it still exists (null once swept). */
  open(carParkId: string, day: string): Promise<MemberCipher | null>
}

export const parkingDay = (at: number) => chinaDate(at)

/** One instance per call: a key opened once is kept for the rest of the call. */
export function createDayKeys(deps: { keyDb: () => Db; vault: Vault; clock: Clock }): DayKeys {
  const { vault, clock } = deps
  const opened = new Map<string, MemberCipher>()
  const keys = () => deps.keyDb().collection(COLLECTIONS.parkingKeys)

  async function open(carParkId: string, day: string): Promise<MemberCipher | null> {
    const id = dayKeyId(carParkId, day)
    const known = opened.get(id)
    if (known) return known
    const { data } = await keys().doc(id).get()
    if (!data) return null
    const wrapped = wrappedKeyOf(data)
    if (!wrapped || data.carParkId !== carParkId || data.day !== day)
      throw new VaultError('malformed key document')
    const cipher = vault.openMemberKey(dayKeyOwner(carParkId, day), wrapped)
    opened.set(id, cipher)
    return cipher
  }

  return {
    open,
    async forDay(carParkId, day) {
      const existing = await open(carParkId, day)
      if (existing) return existing
      const { cipher, keyId, wrappedKey } = vault.createMemberKey(dayKeyOwner(carParkId, day))
      const doc = {
        _id: dayKeyId(carParkId, day),
        carParkId,
        day,
        keyId,
        wrappedKey,
        createdAt: new Date(clock.now()),
      }
      if (await addUnique(deps.keyDb(), COLLECTIONS.parkingKeys, doc)) {
        opened.set(doc._id, cipher)
        return cipher
      }
      // Made by a concurrent event meanwhile: that one is the day's key.
      const made = await open(carParkId, day)
      if (!made) throw new Error('a parking day key vanished while it was made')
      return made
    },
  }
}
