import { useCallback, useEffect, useRef, useState } from 'react'

/** Seconds left until a deadline, ticking once a second; measured against the clock, not counted. */
export function useCountdown(): {
  remaining: number
  start: (seconds: number) => void
  /** Ends the countdown at once. */
  stop: () => void
} {
  const [remaining, setRemaining] = useState(0)
  const timer = useRef<ReturnType<typeof setInterval>>()

  const stop = () => {
    if (timer.current !== undefined) clearInterval(timer.current)
    timer.current = undefined
  }

  const start = useCallback((seconds: number) => {
    stop()
    const end = Date.now() + seconds * 1000
    setRemaining(seconds)
    timer.current = setInterval(() => {
      const left = Math.ceil((end - Date.now()) / 1000)
      setRemaining(Math.max(left, 0))
      if (left <= 0) stop()
    }, 1000)
  }, [])

  const end = useCallback(() => {
    stop()
    setRemaining(0)
  }, [])

  useEffect(() => stop, [])

  return { remaining, start, stop: end }
}
