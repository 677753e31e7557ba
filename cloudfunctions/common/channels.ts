/**
 * Attribution of sign-ups to channels (4.2.1.2, 4.2.1.6, 4.2.2.2, 6.5.2). A mini-program code's
 * scene names a channel (`channels/<code>`); joining through it records the channel on the new
 * member (first touch) and counts the sign-up in `channel_days/<code>:<China day>`, counts only,
 * for the managers' report per channel, counter and day.
 */
import type { Attribution, Channel, ChannelLanding, ChannelRef } from '../../src/domain/channel/model'
import { decodeScene, encodeScene } from '../../src/domain/channel/scene'
import { chinaDate } from '../../src/domain/dates'
import { earningLines } from '../../src/domain/points/rules'
import { addUnique, COLLECTIONS, getDoc, type Db } from './db'
import type { RulesBook } from './points/rules'
import { codePng, type EnvVersion, type WxacodeApi } from './wxacode'

export function channelDayId(channelId: string, day: string): string {
  return `${channelId}:${day}`
}

/** The open channel a scene names; null when it names none, a closed one or one of another kind. */
export async function openChannelOf(db: Db, scene: string): Promise<Channel | null> {
  const ref = decodeScene(scene)
  if (!ref.ok) return null
  const channel = (await getDoc(db, COLLECTIONS.channels, ref.data.code)) as Channel | null
  return channel && channel.status === 'open' && channel.kind === ref.data.kind ? channel : null
}

/**
 * The channel a scene names, as the attribution of a sign-up at `at`; null for no open channel.
 * Joining never fails for the scene: a shopper cannot mend a code they scanned, so such a
 * sign-up is simply not attributed.
 */
export async function attributionOf(db: Db, scene: string, at: Date): Promise<Attribution | null> {
  const channel = await openChannelOf(db, scene)
  if (!channel) return null
  const attribution: Attribution = {
    kind: channel.kind,
    channelId: channel._id,
    storeId: channel.storeId,
    at,
  }
  if (channel.counterId !== undefined) attribution.counterId = channel.counterId
  return attribution
}

/** What the join page shows for a scene (4.2.2.2): the channel and how points are earned. */
export async function landingOf(
  db: Db,
  scene: string,
  rules: RulesBook,
  now: number,
): Promise<ChannelLanding | null> {
  const channel = await openChannelOf(db, scene)
  if (!channel) return null
  const earning = await earningAt(db, rules, now, channel)
  return { kind: channel.kind, name: channel.name, storeId: channel.storeId, earning }
}

/** How points are earned at a channel's store and counter under the rules in force at `now`. */
export async function earningAt(
  db: Db,
  rules: RulesBook,
  now: number,
  place: { storeId: string; counterId?: string },
): Promise<string[]> {
  const version = await rules.at(db, new Date(now).toISOString())
  if (!version) return []
  return earningLines(version.rules, {
    storeId: place.storeId,
    counterId: place.counterId,
    day: chinaDate(now),
  })
}

/**
 * Counts one sign-up through the channel on the China day of `at`: one update once the day's
 * document exists, an add for the first sign-up of the day (a concurrent first may win that add;
 * the update then follows).
 */
export async function countSignUp(db: Db, attribution: Attribution): Promise<void> {
  const day = chinaDate(attribution.at.getTime())
  const id = channelDayId(attribution.channelId, day)
  const days = db.collection(COLLECTIONS.channelDays)
  const increment = { data: { count: db.command.inc(1) } }
  const { stats } = await days.doc(id).update(increment)
  if (stats.updated === 1) return
  const { channelId, storeId, counterId } = attribution
  const created = { _id: id, channelId, storeId, day, count: 1, ...(counterId ? { counterId } : {}) }
  if (await addUnique(db, COLLECTIONS.channelDays, created)) return
  await days.doc(id).update(increment)
}

/**
 * Moves one sign-up from one channel's day to another's when a manager changes a member's
 * attribution: the report counts sign-ups by the channel they are attributed to now, and says
 * how many of a day's were moved in (`movedIn`) or out (`movedOut`). `from` null: the sign-up
 * was not attributed, so only the new channel's day gains it. Both on the China day of `to.at`
 * (the sign-up's). One update each (an add for a day the new channel had none).
 */
export async function moveSignUp(db: Db, from: Attribution | null, to: Attribution): Promise<void> {
  const _ = db.command
  const day = chinaDate(to.at.getTime())
  const days = db.collection(COLLECTIONS.channelDays)
  if (from)
    await days
      .where({ _id: channelDayId(from.channelId, day), count: _.gt(0) })
      .update({ data: { count: _.inc(-1), movedOut: _.inc(1) } })
  const id = channelDayId(to.channelId, day)
  const increment = { data: { count: _.inc(1), movedIn: _.inc(1) } }
  const { stats } = await days.doc(id).update(increment)
  if (stats.updated === 1) return
  const { channelId, storeId, counterId } = to
  const created = {
    _id: id,
    channelId,
    storeId,
    day,
    count: 1,
    movedIn: 1,
    ...(counterId ? { counterId } : {}),
  }
  if (await addUnique(db, COLLECTIONS.channelDays, created)) return
  await days.doc(id).update(increment)
}

/** The page a channel's code opens, with the scene in its query. */
export const CHANNEL_PAGE = 'pages/join/index'

/**
 * A channel's mini-program code (`wxacode.getUnlimited`: permanent, unlimited in number), a PNG.
 * For a version under development or trial, `envVersion` names it and the page is not checked
 * against the released version.
 */
export function channelCode(
  openapi: WxacodeApi,
  channel: ChannelRef,
  options: { envVersion?: EnvVersion; width?: number } = {},
): Promise<Buffer> {
  return codePng(openapi, encodeScene(channel), CHANNEL_PAGE, { envVersion: 'release', ...options })
}
