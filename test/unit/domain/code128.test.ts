import { CODE128_PATTERNS, code128Values, code128Widths } from '../../../src/domain/points/code128'

describe('Code 128', () => {
  it('has 107 distinct symbols of 11 modules (the stop 13), each with an even bar width', () => {
    expect(new Set(CODE128_PATTERNS).size).toBe(107)
    CODE128_PATTERNS.forEach((pattern, value) => {
      const widths = Array.from(pattern, Number)
      expect(widths.reduce((a, b) => a + b, 0)).toBe(value === 106 ? 13 : 11)
      expect(widths.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0) % 2).toBe(0)
    })
  })

  it('checks with the weighted modulo-103 sum (code set B)', () => {
    // Start B 104, P J J 1 2 3 C: 104 + 48·1 + 42·2 + 42·3 + 17·4 + 18·5 + 19·6 + 35·7 = 879 ≡ 55.
    expect(code128Values('PJJ123C')).toEqual([104, 48, 42, 42, 17, 18, 19, 35, 55])
  })

  it('packs digits in pairs in code set C, switching from B for the trailing digits', () => {
    expect(code128Values('1234')).toEqual([105, 12, 34, 82])
    expect(code128Values('MC0123YZ8Z12345678')).toEqual([
      104,
      45,
      35,
      16,
      17,
      18,
      19,
      57,
      58,
      24,
      58,
      99,
      12,
      34,
      56,
      78,
      (104 +
        [45, 35, 16, 17, 18, 19, 57, 58, 24, 58, 99, 12, 34, 56, 78].reduce(
          (s, v, i) => s + v * (i + 1),
          0,
        )) %
        103,
    ])
    // An odd run keeps its first digit in code set B.
    expect(code128Values('A12345').slice(0, 4)).toEqual([104, 33, 17, 99])
  })

  it('draws bars and spaces: 11 modules a symbol, 13 for the stop, starting with a bar', () => {
    const widths = code128Widths('1234')
    expect(widths.reduce((a, b) => a + b, 0)).toBe(4 * 11 + 13)
    expect(widths.length % 2).toBe(1)
    expect(() => code128Widths('会员')).toThrow(RangeError)
  })
})
