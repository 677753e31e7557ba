/**
 * Server-side error handling. Expected failures are `Result` values (src/domain/errors.ts);
 * anything thrown is unexpected: it is logged without personal data and answered `INTERNAL`.
 */
export { fail, failUntil, ok, type ErrorCode, type Failure, type Result } from '../../src/domain/errors'

// Long digit runs (phones, ID numbers, codes) and e-mail addresses never reach the log.
const DIGITS = /\d{6,}/g
const EMAIL = /[^\s@"']+@[^\s@"']+/g
const MAX_LOG_TEXT = 300

function redact(text: string): string {
  return text.replace(DIGITS, '[digits]').replace(EMAIL, '[email]').slice(0, MAX_LOG_TEXT)
}

/**
 * What may be logged about an unexpected error: its kind, platform code and a redacted,
 * truncated message. Stacks and request data stay out: logs are read by more people than the
 * identity store (5.3), and CloudBase keeps them outside our retention rules.
 */
export function errorSummary(error: unknown): { name: string; errCode?: number | string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { name, errCode, errMsg, message } = error as Record<string, unknown>
    const text = typeof errMsg === 'string' ? errMsg : typeof message === 'string' ? message : ''
    const summary: { name: string; errCode?: number | string; message: string } = {
      name: typeof name === 'string' ? name : 'Error',
      message: redact(text),
    }
    if (typeof errCode === 'number' || typeof errCode === 'string') summary.errCode = errCode
    return summary
  }
  return { name: typeof error, message: typeof error === 'string' ? redact(error) : '' }
}
