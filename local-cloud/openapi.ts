import { qrPng } from './png'
import { decodeCommApiData, encodeCommOpenApiResp } from './protobuf'

export type OutboxKind = 'sms' | 'subscribeMessage' | 'phonenumber' | 'wxacode' | 'wxpay'

/** A message local-cloud "sent" instead of WeChat: SMS, subscribe message, phone number lookup, QR code. */
export interface OutboxItem {
  id: string
  kind: OutboxKind
  /** Epoch milliseconds. */
  at: number
  /** The request as WeChat receives it (snake_case keys, as wx-server-sdk converts them). */
  payload: unknown
  result?: unknown
}

export class Outbox {
  private items: OutboxItem[] = []
  private seq = 0

  record(kind: OutboxKind, payload: unknown, result?: unknown): OutboxItem {
    const item: OutboxItem = { id: `outbox-${++this.seq}`, kind, at: Date.now(), payload, result }
    this.items.push(item)
    return item
  }

  /** Newest first. */
  list(filter: { kind?: string; since?: number } = {}): OutboxItem[] {
    return this.items
      .filter(
        (item) => (filter.kind === undefined || item.kind === filter.kind) && item.at >= (filter.since ?? 0),
      )
      .reverse()
  }

  last(kind: string): OutboxItem | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i].kind === kind) return this.items[i]
    return undefined
  }

  clear(): void {
    this.items = []
  }
}

export interface OpenApiFakeOptions {
  appId: string
  env: string
  /** Default number for getPhoneNumber, e.g. "13800138000" or "+1 4155550100". */
  phoneNumber: string
}

type Data = Record<string, unknown>
type Answer = { json: Data } | { binary: Buffer; contentType: string }

const JSON_TYPE = 'application/json; charset=utf-8'
/** Characters WeChat accepts in a wxacode scene. */
const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/

function wxError(errcode: number, errmsg: string): Answer {
  return { json: { errcode, errmsg } }
}

function splitPhone(phone: string): { countryCode: string; pure: string } {
  const match = /^\+(\d{1,4})[\s-]?(\d+)$/.exec(phone.replace(/\s+/g, ' ').trim())
  if (match) return { countryCode: match[1], pure: match[2] }
  return { countryCode: '86', pure: phone.replace(/\D/g, '') }
}

/**
 * Fakes of the WeChat open APIs the project calls. They answer over the real wx-server-sdk
 * transport (protobuf in, protobuf out), so the SDK's own case conversion, errMsg and error
 * handling apply; every successful call is recorded in the outbox.
 */
export class OpenApiFakes {
  private readonly phoneByCode = new Map<string, string>()
  private readonly usedCodes = new Set<string>()

  constructor(
    private readonly outbox: Outbox,
    private readonly options: OpenApiFakeOptions,
  ) {}

  /** The number getPhoneNumber answers, for one code or (without code) for all. */
  setPhoneNumber(phoneNumber: string, code?: string): void {
    if (code === undefined) this.options.phoneNumber = phoneNumber
    else this.phoneByCode.set(code, phoneNumber)
  }

  readonly implemented = [
    'phonenumber.getPhoneNumber',
    'subscribeMessage.send',
    'cloudbase.sendSms',
    'wxacode.getUnlimited',
  ] as const

  /** Wire entry: `wx.openApi` with a CommApiData buffer; answers a CommOpenApiResp buffer. */
  async handle(apiName: string, requestData: Buffer): Promise<Buffer> {
    const request = decodeCommApiData(requestData)
    const data: Data = {}
    for (const { key, value } of request.pairs) {
      try {
        data[key] = JSON.parse(value.toString('utf8'))
      } catch {
        data[key] = value.toString('utf8')
      }
    }
    const answer = await this.call(apiName, data)
    if ('binary' in answer)
      return encodeCommOpenApiResp({ respData: answer.binary, contentType: answer.contentType })
    return encodeCommOpenApiResp({
      respData: Buffer.from(JSON.stringify(answer.json)),
      contentType: JSON_TYPE,
    })
  }

  private call(apiName: string, data: Data): Answer | Promise<Answer> {
    switch (apiName) {
      case 'phonenumber.getPhoneNumber':
        return this.getPhoneNumber(data)
      case 'subscribeMessage.send':
        return this.sendSubscribeMessage(data)
      case 'cloudbase.sendSms':
        return this.sendSms(data)
      case 'wxacode.getUnlimited':
        return this.getUnlimited(data)
      default:
        return wxError(
          -604100,
          `API not found: local-cloud has no fake for openapi.${apiName} (implemented: ${this.implemented.join(', ')})`,
        )
    }
  }

  private getPhoneNumber(data: Data): Answer {
    const code = data.code
    if (typeof code !== 'string' || code === '')
      return wxError(47001, 'data format error hint: [code is required]')
    // Codes from the button are single-use (and expire after 5 minutes) on the real API.
    if (this.usedCodes.has(code)) return wxError(40029, 'invalid code')
    this.usedCodes.add(code)
    const { countryCode, pure } = splitPhone(this.phoneByCode.get(code) ?? this.options.phoneNumber)
    const phoneInfo = {
      phoneNumber: countryCode === '86' ? pure : `+${countryCode} ${pure}`,
      purePhoneNumber: pure,
      countryCode,
      watermark: { timestamp: Math.floor(Date.now() / 1000), appid: this.options.appId },
    }
    this.outbox.record('phonenumber', { code }, { phone_info: phoneInfo })
    return { json: { errcode: 0, errmsg: 'ok', phone_info: phoneInfo } }
  }

  private sendSubscribeMessage(data: Data): Answer {
    if (typeof data.touser !== 'string' || data.touser === '') return wxError(40003, 'invalid openid')
    if (typeof data.template_id !== 'string' || data.template_id === '')
      return wxError(40037, 'invalid template_id')
    if (data.data === null || typeof data.data !== 'object')
      return wxError(47003, 'argument invalid! data is empty')
    for (const [key, item] of Object.entries(data.data as Data)) {
      const value = (item as Data | null)?.value
      if (value === undefined || value === null || value === '') {
        return wxError(47003, `argument invalid! data.${key}.value is empty`)
      }
    }
    this.outbox.record('subscribeMessage', data, { errcode: 0 })
    return { json: { errcode: 0, errmsg: 'ok' } }
  }

  private sendSms(data: Data): Answer {
    const list = data.phone_number_list
    if (!Array.isArray(list) || list.length === 0 || list.length > 1000) {
      return wxError(40097, 'invalid args: phone_number_list must hold 1 to 1000 numbers')
    }
    const hasContent = typeof data.content === 'string' && data.content !== ''
    const hasTemplate = typeof data.template_id === 'string' && data.template_id !== ''
    if (!hasContent && !hasTemplate) return wxError(40097, 'invalid args: content or template_id is required')
    if (hasTemplate && data.template_param_list !== undefined && !Array.isArray(data.template_param_list)) {
      return wxError(40097, 'invalid args: template_param_list must be an array')
    }
    const sendStatusList = list.map((number, i) => {
      const ok = typeof number === 'string' && /^\+86\d{11}$/.test(number)
      return {
        serial_no: `local-${Date.now()}-${i}`,
        phone_number: String(number),
        code: ok ? 'Ok' : 'InvalidParameterValue.IncorrectPhoneNumber',
        message: ok ? 'send success' : 'incorrect phone number, use the +86 format',
        iso_code: ok ? 'CN' : '',
      }
    })
    this.outbox.record('sms', data, { send_status_list: sendStatusList })
    return { json: { errcode: 0, errmsg: 'ok', send_status_list: sendStatusList } }
  }

  private getUnlimited(data: Data): Answer {
    const scene = data.scene
    if (typeof scene !== 'string' || scene.length === 0 || scene.length > 32 || !SCENE_CHARS.test(scene)) {
      return wxError(40169, 'invalid length for scene, or the data is not json string')
    }
    const requested = typeof data.width === 'number' ? data.width : 430
    const width = Math.min(1280, Math.max(280, Math.round(requested)))
    const binary = qrPng(scene, width)
    const payload = { ...data, scene, width }
    this.outbox.record('wxacode', payload, { contentType: 'image/png', byteLength: binary.length })
    return { binary, contentType: 'image/png' }
  }
}
