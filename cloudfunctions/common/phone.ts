/**
 * Phone numbers from WeChat's `button open-type="getPhoneNumber"` (L-11): the page gets a
 * one-time code (valid 5 minutes) and the function exchanges it server-side, so the number
 * arrives from WeChat itself and needs no SMS. Billed per successful exchange.
 */
import { checkPhone } from '../../src/domain/identity/rules'
import { errorSummary, fail, ok, type Result } from './errors'

/** The subset of `cloud.openapi` used here (response keys as the SDK answers them: camelCase). */
export interface PhoneOpenApi {
  phonenumber: {
    getPhoneNumber(params: { code: string }): Promise<{
      phoneInfo?: { purePhoneNumber?: string; countryCode?: string }
    }>
  }
}

/** The verified mainland mobile number behind a code; PHONE_CODE_INVALID when WeChat refuses it. */
export async function exchangePhoneCode(openapi: PhoneOpenApi, code: string): Promise<Result<string>> {
  let info: { purePhoneNumber?: string; countryCode?: string } | undefined
  try {
    info = (await openapi.phonenumber.getPhoneNumber({ code })).phoneInfo
  } catch (error) {
    // Expected for a reused or expired code (40029); logged without the code or number.
    console.warn('[phone] getPhoneNumber refused', errorSummary(error))
    return fail('PHONE_CODE_INVALID', 'phoneCode')
  }
  const phone = info?.purePhoneNumber ?? ''
  // Membership works with mainland mobile numbers (validation formats); others are refused.
  if ((info?.countryCode ?? '86') !== '86' || checkPhone(phone)) return fail('PHONE_INVALID', 'phoneCode')
  return ok(phone)
}
