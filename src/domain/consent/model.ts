/** Consents as stored in the member record and as the consents page shows them. */
import type { PurposeId } from './purposes'
import { PURPOSES, PURPOSE_IDS } from './purposes'

/**
 * How the member acted when a consent was given or withdrawn: in the mini-program, in the H5
 * build, or in WeChat itself (an authorisation event); `system` when nobody did: the retention
 * sweep ended it (a guardian's consent never came, L-5). From the platform, never the request.
 */
export type Channel = 'weapp' | 'h5' | 'wechat' | 'system'

export const CHANNEL_LABELS: Record<Channel, string> = {
  weapp: '微信小程序',
  h5: '网页',
  wechat: '微信平台',
  system: '到期自动处理',
}

/** One purpose's state in the member record's consent summary. */
export interface ConsentEntry {
  granted: boolean
  noticeVersion: number
  at: Date
}

export type ConsentSummary = Partial<Record<PurposeId, ConsentEntry>>

export type ConsentState = 'granted' | 'needsReconsent' | 'withdrawn' | 'unset'

export interface ConsentView {
  purpose: PurposeId
  title: string
  description: string
  basic: boolean
  sensitive: boolean
  /** Granted and agreed under a notice that covers the purpose's current scope. */
  granted: boolean
  /** Granted once under an older scope: must be agreed again before use (6.1.2). */
  needsReconsent: boolean
  /** The member turned it off (or never turned it on after being asked): not asked again. */
  refused: boolean
  /** ISO time of the last change, null when never set. */
  changedAt: string | null
  /** Another purpose this one only works with (granted here, still off until that one is on). */
  requires: PurposeId | null
  /**
   * Subscribe-message topics only: the WeChat template the client asks the member to allow
   * (null when the retailer has not configured one), and how many one-time messages the member
   * has allowed and not yet received.
   */
  subscription: { templateId: string | null; pending: number } | null
}

export interface ConsentReceiptView {
  id: string
  /** A purpose id; a receipt can outlive a purpose the catalogue has since dropped. */
  purpose: string
  noticeVersion: number
  granted: boolean
  at: string
  channel: Channel
}

/** Answer of `consents` and `setConsent`. */
export interface ConsentsData {
  consents: ConsentView[]
  /** Newest first. */
  receipts: ConsentReceiptView[]
}

/** The extended purposes a settings screen lists, in order, after the basic one. */
export const CONSENT_ORDER: readonly PurposeId[] = PURPOSE_IDS

/** Whether a purpose can be switched by the member; the basic one ends only by cancelling. */
export function isSwitchable(purpose: PurposeId): boolean {
  return !PURPOSES[purpose].basic
}
