import { parseIsoDate } from '../dates'
import { CERT_LEVEL_REQUIRED, type CertLevel, type PartnerFlag } from './model'

/** How long before an expiry the register warns. */
export const EXPIRY_WARNING_DAYS = 30

const DAY_MS = 24 * 3600 * 1000

const dayNumber = (isoDate: string): number => {
  const parts = parseIsoDate(isoDate)
  return parts ? Date.UTC(parts.y, parts.m - 1, parts.d) / DAY_MS : Number.NaN
}

/** `expired`, `expiring` (within the warning days) or undefined, as of `today` (China date). */
function expiry(expiresOn: string | undefined, today: string): 'expired' | 'expiring' | undefined {
  if (!expiresOn) return undefined
  const left = dayNumber(expiresOn) - dayNumber(today)
  if (left < 0) return 'expired'
  return left <= EXPIRY_WARNING_DAYS ? 'expiring' : undefined
}

/** What needs a look in an active partner's entry on `today` (a date `YYYY-MM-DD`, China). */
export function partnerFlags(
  entry: { agreement: { expiresOn: string }; cert: { level: CertLevel; expiresOn?: string } },
  today: string,
): PartnerFlag[] {
  const flags: PartnerFlag[] = []
  const agreement = expiry(entry.agreement.expiresOn, today)
  if (agreement === 'expired') flags.push('agreementExpired')
  if (agreement === 'expiring') flags.push('agreementExpiring')
  if (entry.cert.level === 'none' || Number(entry.cert.level) < CERT_LEVEL_REQUIRED) flags.push('certMissing')
  else {
    const cert = expiry(entry.cert.expiresOn, today)
    if (cert === 'expired') flags.push('certExpired')
    if (cert === 'expiring') flags.push('certExpiring')
  }
  return flags
}
