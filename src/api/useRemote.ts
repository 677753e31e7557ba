import { useCallback, useEffect, useRef, useState } from 'react'
import type { Failure, Result } from '@/domain/errors'

export type Remote<T> =
  { state: 'loading' } | { state: 'ready'; data: T } | { state: 'failed'; failure: Failure }

/**
 * Loads `fetch` once on mount; `reload` runs it again (retry buttons, an outdated notice).
 * While `enabled` is false nothing is called and the state stays `loading` (L-1: no call before
 * the privacy agreement); it loads as soon as `enabled` turns true.
 */
export function useRemote<T>(fetch: () => Promise<Result<T>>, enabled = true): [Remote<T>, () => void] {
  const [remote, setRemote] = useState<Remote<T>>({ state: 'loading' })
  const latest = useRef(0)

  const load = useCallback(() => {
    const call = ++latest.current
    // A reload keeps showing what is there (a form keeps its input) until the new answer arrives.
    setRemote((current) => (current.state === 'ready' ? current : { state: 'loading' }))
    fetch().then((result) => {
      // A slower earlier call must not overwrite a newer answer.
      if (call !== latest.current) return
      setRemote(result.ok ? { state: 'ready', data: result.data } : { state: 'failed', failure: result })
    })
  }, [fetch])

  useEffect(() => {
    if (!enabled) return undefined
    const calls = latest
    load()
    // An answer that arrives after the page is gone is dropped.
    return () => {
      calls.current++
    }
  }, [load, enabled])

  return [remote, load]
}
