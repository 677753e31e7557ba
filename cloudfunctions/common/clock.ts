/** Time as a dependency, so that expiry and daily limits can be tested without waiting. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export interface ManualClock extends Clock {
  set(at: number | string): void
  advance(ms: number): void
}

/** A clock that only moves when told to; starts at `at` (epoch ms or an ISO string). */
export function manualClock(at: number | string): ManualClock {
  let current = typeof at === 'string' ? Date.parse(at) : at
  if (!Number.isFinite(current)) throw new RangeError('manualClock: invalid start time')
  return {
    now: () => current,
    set(next) {
      current = typeof next === 'string' ? Date.parse(next) : next
    },
    advance(ms) {
      current += ms
    },
  }
}
