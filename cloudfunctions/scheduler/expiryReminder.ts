/**
 * The points-expiry reminder (6.3.1, L-12): one subscribe message per member and expiry date,
 * about `days` before the points expire, to members who turned 积分到期提醒 on and still allow a
 * message. What it says is what the member centre says: the points that expire that day.
 *
 * The job walks the members forward on their first lot's expiry (`lotsExpireAt`, walk.ts: a
 * resumable cursor, pages within the 1000-record limit) up to `days` from now, so each day's run
 * looks only at the members whose first expiry entered the window since the last one (a first
 * expiry only ever moves later: after it passed, or when its points were spent). A member is
 * claimed for an expiry date by a conditional update of `pointsExpiryReminded` before the send
 * (released when nothing went out): a rerun or a concurrent run never sends twice.
 */
import { SUBSCRIBE_TOPICS } from '../../src/domain/consent/purposes'
import { allows } from '../../src/domain/consent/rules'
import { chinaDate } from '../../src/domain/dates'
import { expiringOn } from '../../src/domain/points/lots'
import type { Clock } from '../common/clock'
import { COLLECTIONS, getDoc, type Db } from '../common/db'
import type { MemberDoc } from '../common/members/model'
import type { Notifier } from '../common/notify'
import type { BalanceFields } from '../common/points/ledger'
import { JOBS_COLLECTION } from './jobs'
import { SWEEP_PAGE, type SweepOptions } from './sweeps'
import { walkForward } from './walk'

export const REMINDER_ACTOR = 'system:points-expiry-reminder'
export const REMINDER_CURSOR = 'points:expiry-reminder'
/** Days before an expiry the member is reminded. */
export const REMINDER_DAYS = 30

const TOPIC = SUBSCRIBE_TOPICS.subscribePointsExpiry.id
const DAY_MS = 86_400_000

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

  /** One reminder for the member's first expiry day; true when it went out. */
  async function remind(member: MemberDoc & { pointsExpiryReminded?: string }): Promise<boolean> {
    const expiresAt = new Date(member.lotsExpireAt as Date)
    const day = chinaDate(expiresAt.getTime())
    if (member.pointsExpiryReminded === day) return false
    if (!allows(member, TOPIC) || (member.subscriptions?.[TOPIC]?.length ?? 0) === 0) return false
    const points = expiringOn((member as unknown as BalanceFields).lots ?? [], day)
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
          collection: COLLECTIONS.members,
          field: 'lotsExpireAt',
          cursor: REMINDER_CURSOR,
          until: new Date(now + days * DAY_MS),
          pageSize: Math.min(options.pageSize ?? SWEEP_PAGE, SWEEP_PAGE),
          deadline: now + (options.budgetMs ?? Infinity),
        },
        async (docs) => {
          for (const member of docs as MemberDoc[])
            if (new Date(member.lotsExpireAt as Date).getTime() > now && (await remind(member))) sent += 1
        },
      )
      return { sent, ...walk }
    },
  }
}
