/**
 * A key the client chooses once for a write it may retry (a redemption, a new catalogue entry):
 * the server answers a retry under the same key with the first outcome.
 */
export const newRequestKey = (): string =>
  `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`
