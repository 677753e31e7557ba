import { useSyncExternalStore } from 'react'
import { getPrivacyState, subscribePrivacy, type PrivacyState } from './privacy'

/** The shared privacy authorisation state; re-renders when it changes. */
export function usePrivacy(): PrivacyState {
  return useSyncExternalStore(subscribePrivacy, getPrivacyState)
}
