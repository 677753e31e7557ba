/**
 * Code 128 (ISO/IEC 15417) for the member code under the QR: code set B for letters, code set C
 * for the run of digits at the end (two digits a symbol), the modulo-103 check symbol, and the
 * bars as module widths the page draws as Views. Pure; the member code needs nothing else of
 * the symbology (no code set A, no FNC).
 */

/** Bar and space widths (in modules) of symbol values 0–106; 106 is the stop (13 modules). */
const PATTERNS = (
  '212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 ' +
  '221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 ' +
  '221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 ' +
  '212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 ' +
  '231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 ' +
  '231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 ' +
  '314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 ' +
  '112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 ' +
  '111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 ' +
  '214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 ' +
  '114131 311141 411131 211412 211214 211232 2331112'
).split(' ')

export const CODE128_PATTERNS: readonly string[] = PATTERNS

const START_B = 104
const START_C = 105
const CODE_C = 99
const STOP = 106

/** The symbol values of `text` (printable ASCII), start to check symbol, without the stop. */
export function code128Values(text: string): number[] {
  if (!/^[\x20-\x7e]+$/.test(text)) throw new RangeError('Code 128 B/C takes printable ASCII only')
  // The trailing digits go to code set C when that saves symbols (four or more); an odd one
  // stays in code set B.
  const run = /\d*$/.exec(text)?.[0] ?? ''
  const pairs =
    run.length >= 4 || (run.length === text.length && run.length % 2 === 0)
      ? run.length - (run.length % 2)
      : 0
  const head = text.slice(0, text.length - pairs)
  const tail = text.slice(text.length - pairs)
  const values: number[] = head ? [START_B, ...Array.from(head, (c) => c.charCodeAt(0) - 32)] : [START_C]
  if (tail) {
    if (head) values.push(CODE_C)
    for (let i = 0; i < tail.length; i += 2) values.push(Number(tail.slice(i, i + 2)))
  }
  const check = values.reduce((sum, value, i) => sum + value * Math.max(i, 1), 0) % 103
  return [...values, check]
}

/** Alternating bar and space widths of the whole symbol, starting with a bar, quiet zones excluded. */
export function code128Widths(text: string): number[] {
  return [...code128Values(text), STOP].flatMap((value) => Array.from(PATTERNS[value], Number))
}
