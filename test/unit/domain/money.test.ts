import { formatYuan, yuanToFen } from '@/domain/points/money'

describe('yuanToFen', () => {
  it('reads yuan as exact fen, without floating point', () => {
    expect(yuanToFen('0.29')).toBe(29)
    expect(yuanToFen('128.5')).toBe(12_850)
    expect(yuanToFen(' 1000000 ')).toBe(100_000_000)
    expect(yuanToFen('19.99')).toBe(1_999)
  })

  it('refuses what is not a plain amount in bounds', () => {
    for (const text of ['', '0', '0.00', '1.234', '-1', '1e3', '1,000', '1000000.01', '.5', '12.'])
      expect(yuanToFen(text)).toBeNull()
  })
})

describe('formatYuan', () => {
  it('shows fen as yuan with two decimals', () => {
    expect(formatYuan(12_850)).toBe('128.50')
    expect(formatYuan(7)).toBe('0.07')
    expect(formatYuan(-305)).toBe('-3.05')
  })
})
