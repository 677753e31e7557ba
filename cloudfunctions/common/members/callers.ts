/**
 * Which member each caller's OPENID claim named, remembered by the function instance: a caller
 * seen before (or who joined on this instance) is resolved with one read (the member record)
 * instead of two (the claim, then the record). Keyed by the claim's id (`openid:<blind index>`),
 * never the OPENID itself, and holding nothing but the pseudonymous member id.
 *
 * An entry is only a hint: the member record read with it decides (members/repository.ts). The
 * record of member A exists only while the OPENID's claim names A — a sign-up writes the record
 * after confirming its claim, and an erasure or an undone sign-up removes the record before
 * releasing the claim; a claim is taken over only while pending (no record yet) or when
 * abandoned (no record). So a record found under an entry is the caller's, and a missing one
 * (erased, never finished) sends the caller back to the claim.
 */

/** Callers an instance remembers: the least recently seen go first. */
export const CALLER_CACHE_SIZE = 10_000

export interface CallerCache {
  get(claimId: string): string | undefined
  set(claimId: string, memberId: string): void
  delete(claimId: string): void
}

/** One per function instance, kept across its calls. */
export function createCallerCache(capacity = CALLER_CACHE_SIZE): CallerCache {
  // A Map iterates in insertion order: re-inserting on every use keeps the least recent first.
  const entries = new Map<string, string>()
  return {
    get(claimId) {
      const memberId = entries.get(claimId)
      if (memberId !== undefined) {
        entries.delete(claimId)
        entries.set(claimId, memberId)
      }
      return memberId
    },
    set(claimId, memberId) {
      entries.delete(claimId)
      entries.set(claimId, memberId)
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string)
    },
    delete(claimId) {
      entries.delete(claimId)
    },
  }
}
