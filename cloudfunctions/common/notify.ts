/**
 * Subscribe messages (6.3.1, L-12). WeChat's retail subscriptions are one-time: each "allow" in
 * the dialog the member opened with a tap lets exactly one message of that template through.
 * A message goes out only when
 * - the member's consent to its topic (a purpose of its own) is in force now — the scope guard
 *   reads it on every send, so a withdrawal stops the very next message;
 * - one of the member's allowances for the topic is spent first, by a conditional update, so
 *   two concurrent senders never spend the same one;
 * - the retailer configured a template for the topic (`SUBSCRIBE_TEMPLATES`).
 * Every message opens the consents page at its topic: one tap to switch the topic off.
 */
import {
  SUBSCRIBE_TOPICS,
  isSubscribeTopic,
  type SubscribeTopic,
  type SubscribeTopicId,
} from '../../src/domain/consent/purposes'
import { COLLECTIONS, type Db } from './db'
import { fail, ok, type Result } from './errors'
import type { IdentityStore } from './identity'
import type { MemberRecord } from './members/model'
import type { ScopeGuard } from './scope'

/** A template the retailer chose in the WeChat console, and which keyword carries which value. */
export interface SubscribeTemplate {
  templateId: string
  /** Value name of the topic (`change`, `balance` …) → the template's keyword (`number1` …). */
  keywords: Record<string, string>
}

export type SubscribeTemplates = Partial<Record<SubscribeTopicId, SubscribeTemplate>>

export interface SubscribeOpenApi {
  subscribeMessage: {
    send(input: {
      touser: string
      templateId: string
      page: string
      data: Record<string, { value: string }>
      miniprogramState?: 'developer' | 'trial' | 'formal'
    }): Promise<unknown>
  }
}

/** WeChat's answer when the member has no allowance left for the template (or refused it). */
export const ERR_SUBSCRIPTION_REFUSED = 43101

const MAX_SPEND_ROUNDS = 5
/** WeChat's limit for a `thing` keyword value. */
const THING_MAX = 20

/** The page a message opens: the member's switch for the topic, to turn it off in one tap. */
export function topicPage(topic: SubscribeTopicId): string {
  return `account/consents/index?topic=${topic}`
}

/**
 * Reads `SUBSCRIBE_TEMPLATES`: JSON, topic → `{ templateId, keywords }`. A topic without a
 * complete template is not configured (its switch says so and nothing is sent); a malformed
 * value is a configuration error.
 */
export function templatesFromEnv(text: string | undefined): SubscribeTemplates {
  if (text === undefined || text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new Error('SUBSCRIBE_TEMPLATES is not valid JSON')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('SUBSCRIBE_TEMPLATES must be an object of topics')
  const templates: SubscribeTemplates = {}
  for (const [topic, value] of Object.entries(parsed)) {
    if (!isSubscribeTopic(topic)) throw new Error(`SUBSCRIBE_TEMPLATES names an unknown topic: ${topic}`)
    const template = value as Partial<SubscribeTemplate> | null
    const keywords = template?.keywords
    if (
      typeof template?.templateId !== 'string' ||
      template.templateId === '' ||
      typeof keywords !== 'object' ||
      !keywords
    )
      throw new Error(`SUBSCRIBE_TEMPLATES.${topic} needs a templateId and keywords`)
    for (const name of Object.keys(SUBSCRIBE_TOPICS[topic].values)) {
      if (typeof keywords[name] !== 'string' || keywords[name] === '')
        throw new Error(`SUBSCRIBE_TEMPLATES.${topic}.keywords.${name} is missing`)
    }
    templates[topic] = { templateId: template.templateId, keywords: { ...keywords } }
  }
  return templates
}

/** `2024-06-15T02:00:00Z` → `2024-06-15 10:00` (China time), WeChat's `time` format. */
function chinaTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ')
}

/** The message's keyword data, each value in the form WeChat accepts for its keyword type. */
export function messageData(
  topic: SubscribeTopic,
  template: SubscribeTemplate,
  values: Record<string, string | number | Date>,
): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {}
  for (const [name, kind] of Object.entries(topic.values)) {
    const raw = values[name]
    if (raw === undefined) throw new Error(`message of ${topic.id} misses ${name}`)
    let value = raw instanceof Date ? chinaTime(raw) : String(raw)
    if (kind === 'thing' && [...value].length > THING_MAX)
      value = `${[...value].slice(0, THING_MAX - 1).join('')}…`
    data[template.keywords[name] as string] = { value }
  }
  return data
}

export interface SendInput {
  memberId: string
  topic: SubscribeTopicId
  values: Record<string, string | number | Date>
  /** Who makes the message go out (audit actor). */
  actor: string
}

export interface Notifier {
  /**
   * Sends one message of `topic`: PURPOSE_CONSENT_REQUIRED, SUBSCRIBE_NOT_CONFIGURED,
   * SUBSCRIBE_NO_ALLOWANCE or SUBSCRIBE_SEND_FAILED when it does not go out.
   */
  send(input: SendInput): Promise<Result<{ sent: true }>>
}

export function createNotifier(deps: {
  db: Db
  guard: ScopeGuard
  identities: IdentityStore
  openapi: SubscribeOpenApi
  templates: SubscribeTemplates
}): Notifier {
  const { db, guard, identities, openapi, templates } = deps
  const members = () => db.collection(COLLECTIONS.members)

  /** Spends one allowance of the topic; null when there is none left. */
  async function spend(record: MemberRecord, topic: SubscribeTopicId): Promise<string | null> {
    let current: MemberRecord | null = record
    for (let round = 0; round < MAX_SPEND_ROUNDS && current; round++) {
      const allowance = current.subscriptions?.[topic]?.[0]
      if (allowance === undefined) return null
      const _ = db.command
      const { stats } = await members()
        .where({ _id: record._id, [`subscriptions.${topic}`]: allowance })
        .update({ data: { [`subscriptions.${topic}`]: _.pull(allowance) } })
      if (stats.updated === 1) return allowance
      // A concurrent send spent it: look again.
      current = await guard.member(record._id)
    }
    return null
  }

  async function giveBack(memberId: string, topic: SubscribeTopicId, allowance: string): Promise<void> {
    const _ = db.command
    await members()
      .doc(memberId)
      .update({ data: { [`subscriptions.${topic}`]: _.addToSet(allowance) } })
  }

  return {
    async send({ memberId, topic, values, actor }) {
      const template = templates[topic]
      if (!template) return fail('SUBSCRIBE_NOT_CONFIGURED', topic)
      const checked = await guard.check(memberId, topic, actor, ['openid'])
      if (!checked.ok) return checked
      const allowance = await spend(checked.data, topic)
      if (allowance === null) return fail('SUBSCRIBE_NO_ALLOWANCE', topic)
      const identity = await identities.read(memberId, ['openid'], { purpose: topic, actor })
      const touser = identity?.openid
      if (!touser) {
        await giveBack(memberId, topic, allowance)
        return fail('SUBSCRIBE_SEND_FAILED', topic)
      }
      try {
        await openapi.subscribeMessage.send({
          touser,
          templateId: template.templateId,
          page: topicPage(topic),
          data: messageData(SUBSCRIBE_TOPICS[topic], template, values),
        })
        return ok({ sent: true })
      } catch (error) {
        // WeChat says the member has nothing left to receive: the allowance is gone either way.
        const refused = (error as { errCode?: number }).errCode === ERR_SUBSCRIPTION_REFUSED
        if (!refused) await giveBack(memberId, topic, allowance)
        return fail(refused ? 'SUBSCRIBE_NO_ALLOWANCE' : 'SUBSCRIBE_SEND_FAILED', topic)
      }
    },
  }
}
