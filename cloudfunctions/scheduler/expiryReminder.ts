/**
 * The points-expiry reminder (6.3.1, L-12): one subscribe message per member and expiry date,
 * about `days` before the points expire, to members who turned 积分到期提醒 on and still allow a
 * message. What it says is what the member centre says: the points that expire that day.
 *
 * The job walks `points_lots` forward on `expiresAt` (walk.ts: a resumable cursor, pages within the
 * 1000-record limit) up to `days` from now, so each day's run looks only at the lots that entered
 * the window since the last one. A member is claimed for an expiry date by a conditional update of
 * `pointsExpiryReminded` before the send (released when nothing went out): a rerun, a second lot of
 * the same date or a concurrent run never sends twice.
 */
import { SUBSCRIBE_TOPICS } from '../../src/domain/consent/purposes'
import { allows } from '../../src/domain/consent/rules'
import { chinaDate } from '../../src/domain/dates'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import type { MemberDoc } from '../common/members/model'
import type { Notifier } from '../common/notify'
import type { LotDoc } from '../common/points/ledger'
import { JOBS_COLLECTION } from './jobs'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { walkForward } from './walk'

export const REMINDER_ACTOR = 'system:points-expiry-reminder'
export const REMINDER_CURSOR = 'points:expiry-reminder'
/** Days before an expiry the member is reminded. */
export const REMINDER_DAYS = 30

const TOPIC = SUBSCRIBE_TOPICS.subscribePointsExpiry.id
const DAY_MS = 86_400_000
/** Lots of one member expiring on one day: more than a member holds. */
const LOTS_MAX = 500

export interface ReminderRun {
  sent: number
  examined: number
  complete: boolean
}

export function createExpiryReminder(deps: { db: Db; clock: Clock; notifier: Notifier; days?: number }) {
  const { db, clock, notifier } = deps
  const days = deps.days ?? REMINDER_DAYS
  const _ = db.command
  const members = () => db.collection(COLLECTIONS.members)

  /** The points of `memberId` that expire on the China day `day` (index member_expires). */
  async function expiringOn(memberId: string, day: string): Promise<number> {
    const start = Date.parse(`${day}T00:00:00+08:00`)
    const { data } = await db
      .collection(COLLECTIONS.pointsLots)
      .where({ memberId, expiresAt: _.gte(new Date(start)) })
      .orderBy('expiresAt', 'asc')
      .limit(LOTS_MAX)
      .get()
    return (data as LotDoc[])
      .filter((lot) => new Date(lot.expiresAt).getTime() < start + DAY_MS)
      .reduce((sum, lot) => sum + Math.max(0, lot.remaining), 0)
  }

  /** One reminder for the lot's member and expiry day; true when it went out. */
  async function remind(lot: LotDoc): Promise<boolean> {
    const expiresAt = new Date(lot.expiresAt)
    const day = chinaDate(expiresAt.getTime())
    const member = (await getDoc(db, COLLECTIONS.members, lot.memberId)) as
      (MemberDoc & { pointsExpiryReminded?: string }) | null
    if (!member || member.pointsExpiryReminded === day) return false
    if (!allows(member, TOPIC) || (member.subscriptions?.[TOPIC]?.length ?? 0) === 0) return false
    const points = await expiringOn(member._id, day)
    if (points <= 0) return false
    const { stats } = await members()
      .where({ _id: member._id, pointsExpiryReminded: _.neq(day) })
      .update({ data: { pointsExpiryReminded: day } })
    if (stats.updated !== 1) return false
    const sent = await notifier.send({
      memberId: member._id,
      topic: TOPIC,
      values: { points, expires: expiresAt, note: '请在到期前使用积分' },
      actor: REMINDER_ACTOR,
    })
    if (sent.ok) return true
    await members()
      .doc(member._id)
      .update({ data: { pointsExpiryReminded: member.pointsExpiryReminded ?? _.remove() } })
    return false
  }

  return {
    async run(options: SweepOptions = {}): Promise<ReminderRun> {
      const now = clock.now()
      // The first run starts at today: lots that already expired are not reminded of.
      if (!(await getDoc(db, JOBS_COLLECTION, REMINDER_CURSOR)))
        await db
          .collection(JOBS_COLLECTION)
          .doc(REMINDER_CURSOR)
          .set({ data: { job: REMINDER_CURSOR, at: new Date(now), id: null, updatedAt: new Date(now) } })
      let sent = 0
      const walk = await walkForward(
        db,
        clock,
        {
          store: db,
          collection: COLLECTIONS.pointsLots,
          field: 'expiresAt',
          cursor: REMINDER_CURSOR,
          until: new Date(now + days * DAY_MS),
          pageSize: Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE),
          deadline: now + (options.budgetMs ?? Infinity),
        },
        async (docs) => {
          for (const lot of docs as LotDoc[])
            if (lot.remaining > 0 && new Date(lot.expiresAt).getTime() > now && (await remind(lot))) sent += 1
        },
      )
      return { sent, ...walk }
    },
  }
}
