/**
 * The local server's developer endpoints (docs/architecture.md, "Local HTTP"). Only the H5 dev
 * build ever imports this module.
 */
export type Persona =
  'shopper' | 'new-shopper' | 'counter' | 'manager' | 'privacyOfficer' | 'admin' | 'finance'

export const PERSONAS: readonly { value: Persona; label: string }[] = [
  { value: 'shopper', label: '顾客' },
  { value: 'new-shopper', label: '新顾客' },
  { value: 'counter', label: '专柜导购' },
  { value: 'manager', label: '店长' },
  { value: 'privacyOfficer', label: '隐私负责人' },
  { value: 'admin', label: '商场管理员' },
  { value: 'finance', label: '商场财务' },
]

/** One SMS or subscribe message the local cloud "sent", as far as the viewer needs it. */
export interface SentSms {
  id: string
  at: number
  /** The phone of an SMS; 服务通知 for a subscribe message. */
  phone: string
  /** The verification code, the message text, or a subscribe message's values. */
  text: string
}

interface OutboxItem {
  id?: unknown
  kind?: unknown
  at?: unknown
  payload?: unknown
}

async function getJson(path: string, init?: RequestInit): Promise<unknown> {
  const response = await fetch(path, { credentials: 'same-origin', ...init })
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`)
  return response.json()
}

export async function currentPersona(): Promise<Persona | undefined> {
  const session = (await getJson('/api/dev/session')) as { persona?: unknown }
  return PERSONAS.find((p) => p.value === session?.persona)?.value
}

export async function switchPersona(persona: Persona): Promise<void> {
  await getJson('/api/dev/persona', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ persona }),
  })
}

/** To whom and what, for one SMS (the code, or its text) or one subscribe message (its values). */
function recipientAndText(kind: unknown, payload: Record<string, unknown>): [string, string] | undefined {
  if (kind === 'subscribeMessage') {
    const data = typeof payload.data === 'object' && payload.data !== null ? payload.data : {}
    const values = Object.values(data).map((entry) =>
      String((entry as { value?: unknown } | null)?.value ?? ''),
    )
    return ['服务通知', values.join(' · ')]
  }
  if (kind !== 'sms') return undefined
  const phones = Array.isArray(payload.phone_number_list) ? payload.phone_number_list : []
  const params = Array.isArray(payload.template_param_list) ? payload.template_param_list : []
  const text = typeof payload.content === 'string' ? payload.content : String(params[0] ?? '')
  return [String(phones[0] ?? '').replace(/^\+86/, ''), text]
}

function toSms(item: OutboxItem): SentSms | undefined {
  if (typeof item.payload !== 'object' || item.payload === null) return undefined
  const shown = recipientAndText(item.kind, item.payload as Record<string, unknown>)
  if (!shown) return undefined
  return {
    id: String(item.id ?? item.at),
    at: typeof item.at === 'number' ? item.at : Date.now(),
    phone: shown[0],
    text: shown[1],
  }
}

/** The latest SMS and subscribe messages first. */
export async function latestSms(limit = 5): Promise<SentSms[]> {
  const body = (await getJson('/api/dev/outbox')) as { items?: unknown }
  const items = Array.isArray(body?.items) ? (body.items as OutboxItem[]) : []
  return items
    .map(toSms)
    .filter((sms): sms is SentSms => sms !== undefined)
    .sort((a, b) => b.at - a.at)
    .slice(0, limit)
}

/**
 * The demo car park's gate reports `plate` entering or leaving (local server, signed as a gate
 * does), `minutesAgo` before now.
 */
export async function gateEvent(kind: 'entry' | 'exit', plate: string, minutesAgo = 0): Promise<boolean> {
  const answer = (await getJson('/api/dev/gate', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ kind, plate, minutesAgo }),
  })) as { ok?: unknown } | null
  return answer?.ok === true
}

/** The fake pay sheet's 支付成功: the order is paid and its result reaches the function. */
export async function payFakeOrder(outTradeNo: string, times = 1): Promise<boolean> {
  const answer = (await getJson('/api/dev/cloudpay', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ outTradeNo, times }),
  })) as { paid?: unknown } | null
  return answer?.paid === true
}
