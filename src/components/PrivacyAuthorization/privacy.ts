/**
 * Privacy authorisation state (L-1, L-2), shared by every page of the running mini-program.
 *
 * weapp: WeChat keeps the agreement. `wx.getPrivacySetting` tells whether it is still needed,
 * the agree button (`open-type="agreePrivacyAuthorization"`) records it, and
 * `wx.onNeedPrivacyAuthorization` fires when a privacy API is called before it.
 * H5 (and base libraries without the privacy API): the agreement is remembered in local storage
 * for the current notice version. Everywhere, a refusal is remembered too, so that it is not
 * asked again unprompted.
 */
import Taro from '@tarojs/taro'
import { NOTICE_VERSION } from '@/domain/consent/purposes'
import { ROUTES } from '@/routes'

export type PrivacyStatus = 'checking' | 'agreed' | 'needed' | 'refused'

export interface PrivacyState {
  status: PrivacyStatus
  /** The name of the privacy guide, e.g. 《某某小程序隐私保护指引》. */
  contractName: string
  /** The authorisation popup is showing. */
  open: boolean
}

/** The id WeChat needs to match an agreement with a pending privacy API call. */
export const AGREE_BUTTON_ID = 'agree-privacy-authorization'

export const DECISION_STORAGE_KEY = 'privacy-decision'

const LOCAL_CONTRACT_NAME = '《隐私保护指引》'

type Decision = 'agreed' | 'refused'

interface StoredDecision {
  version: number
  decision: Decision
  at: number
}

/** Continues (agree) or fails (disagree) the privacy API call that is waiting for the shopper. */
type PrivacyResolve = (result: { event: 'agree' | 'disagree'; buttonId?: string }) => void

/** WeChat's privacy API, where the platform has it. */
function wechatPrivacy(): WechatMiniprogram.Wx | undefined {
  if (process.env.TARO_ENV !== 'weapp') return undefined
  return typeof wx !== 'undefined' && typeof wx.getPrivacySetting === 'function' ? wx : undefined
}

function readDecision(): Decision | undefined {
  try {
    const stored: unknown = Taro.getStorageSync(DECISION_STORAGE_KEY)
    if (typeof stored !== 'object' || stored === null) return undefined
    const { version, decision } = stored as Partial<StoredDecision>
    return version === NOTICE_VERSION && (decision === 'agreed' || decision === 'refused')
      ? decision
      : undefined
  } catch (_error) {
    return undefined
  }
}

function writeDecision(decision: Decision): void {
  const record: StoredDecision = { version: NOTICE_VERSION, decision, at: Date.now() }
  try {
    Taro.setStorageSync(DECISION_STORAGE_KEY, record)
  } catch (_error) {
    // Storage full or unavailable: the decision still holds for this session.
  }
}

let state: PrivacyState = { status: 'checking', contractName: LOCAL_CONTRACT_NAME, open: false }
const listeners = new Set<() => void>()
let pendingResolve: PrivacyResolve | undefined
let listening = false

function setState(patch: Partial<PrivacyState>): void {
  state = { ...state, ...patch }
  listeners.forEach((listener) => listener())
}

export function getPrivacyState(): PrivacyState {
  return state
}

export function subscribePrivacy(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** WeChat asks when a privacy API runs before the agreement: show the popup, answer on a tap. */
function listenForPrivacyApis(api: WechatMiniprogram.Wx): void {
  if (listening || typeof api.onNeedPrivacyAuthorization !== 'function') return
  listening = true
  const listener = (resolve: PrivacyResolve) => {
    pendingResolve = resolve
    setState({ open: true })
  }
  // Note: the typings declare the listener's argument as a plain result; it is the resolve function.
  api.onNeedPrivacyAuthorization(listener as unknown as WechatMiniprogram.OnNeedPrivacyAuthorizationCallback)
}

function statusFrom(needAuthorization: boolean): PrivacyStatus {
  if (!needAuthorization) return 'agreed'
  return readDecision() === 'refused' ? 'refused' : 'needed'
}

/** Finds out whether the shopper has agreed; cheap, safe to call on every page load. */
export function checkPrivacy(): Promise<PrivacyStatus> {
  const api = wechatPrivacy()
  if (!api) {
    const status = statusFrom(readDecision() !== 'agreed')
    setState({ status })
    return Promise.resolve(status)
  }
  listenForPrivacyApis(api)
  return new Promise((resolve) => {
    api.getPrivacySetting({
      success: ({ needAuthorization, privacyContractName }) => {
        const status = statusFrom(needAuthorization)
        setState({ status, contractName: privacyContractName || state.contractName })
        resolve(status)
      },
      // Unknown means not agreed: nothing personal happens until we know better.
      fail: () => {
        const status = statusFrom(true)
        setState({ status })
        resolve(status)
      },
    })
  })
}

/** Shows the popup: on first launch, or because the shopper asked for something that needs it. */
export function promptPrivacy(): void {
  setState({ open: true })
}

/** The shopper agreed (weapp: after WeChat recorded it through the agree button). */
export function agreePrivacy(): void {
  writeDecision('agreed')
  pendingResolve?.({ event: 'agree', buttonId: AGREE_BUTTON_ID })
  pendingResolve = undefined
  setState({ status: 'agreed', open: false })
}

export function refusePrivacy(): void {
  writeDecision('refused')
  pendingResolve?.({ event: 'disagree' })
  pendingResolve = undefined
  setState({ status: 'refused', open: false })
}

/** Opens WeChat's privacy guide page; false where there is none (H5). */
export function openPrivacyContract(): boolean {
  const api = wechatPrivacy()
  if (!api || typeof api.openPrivacyContract !== 'function') return false
  api.openPrivacyContract({})
  return true
}

/** Whether the agreement is recorded by WeChat's own button (weapp) or by us (H5). */
export function usesWechatAgreement(): boolean {
  return wechatPrivacy() !== undefined
}

/** Closes the popup without a decision (only offered once the shopper has agreed). */
export function closePrivacy(): void {
  setState({ open: false })
}

/** The shopper asked to read the privacy guide: WeChat's page, or (H5) ours. */
export function showPrivacyGuide(): void {
  if (!openPrivacyContract()) Taro.navigateTo({ url: ROUTES.privacyGuide })
}
