/** Licence plates (GA 36-2018) as the member binds them; one rule for page and function. */
import { PLATE_PROVINCES } from '../identity/regions'

/** The plates one member may bind. */
export const MAX_PLATES = 3

export interface PlateView {
  /** Opaque id for `unbindPlate`. */
  id: string
  /** In clear: the member is looking at their own plate. */
  plate: string
  /** 京A·***45, for screens other people may see. */
  masked: string
  boundAt: string
}

/** Normalises what a plate keyboard produced: no spaces or dots, upper case. */
export function normalisePlateInput(value: string): string {
  return value.replace(/[\s·.]/g, '').toUpperCase()
}

const PLATE_LETTER = '[A-HJ-NP-Z]'
const PLATE_CHAR = '[A-HJ-NP-Z0-9]'
const ORDINARY_PLATE = new RegExp(`^[${PLATE_PROVINCES}]${PLATE_LETTER}${PLATE_CHAR}{5}$`)
// New-energy plates (GA 36-2018): small vehicles D/F + letter-or-digit + 4 digits; large ones 5 digits + D/F.
const NEW_ENERGY_PLATE = new RegExp(
  `^[${PLATE_PROVINCES}]${PLATE_LETTER}(?:[DF]${PLATE_CHAR}\\d{4}|\\d{5}[DF])$`,
)

export function isValidPlate(value: string): boolean {
  return ORDINARY_PLATE.test(value) || NEW_ENERGY_PLATE.test(value)
}
