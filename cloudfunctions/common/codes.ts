import { randomBytes } from 'node:crypto'
import { CLAIM_ALPHABET, CLAIM_CODE_LENGTH } from '../../src/domain/campaign/rules'

/**
 * A code counter staff scan or type (campaign claims, reward vouchers) from the first 8 bytes of
 * `bytes`: 8 characters of Crockford's base32; 32 divides 256, so each byte's low 5 bits are
 * uniform.
 */
export const counterCodeOf = (bytes: Uint8Array): string =>
  [...bytes.subarray(0, CLAIM_CODE_LENGTH)].map((byte) => CLAIM_ALPHABET[byte & 31]).join('')

/** A random counter code. */
export const newCounterCode = (): string => counterCodeOf(randomBytes(CLAIM_CODE_LENGTH))
