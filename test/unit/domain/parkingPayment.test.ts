import { overstayFen, paymentDayCounts } from '../../../src/domain/parking/payment'
import { EXIT_WINDOW_MINUTES, exitWindowOf, parkingFee } from '../../../src/domain/parking/fee'
import { DEMO_PARKING_RULES, DEMO_PARKING_TARIFF, parseTariff } from '../../../src/domain/parking/tariffs'

const ENTERED = '2024-06-15T02:00:00.000Z'
const at = (minutes: number) => new Date(Date.parse(ENTERED) + minutes * 60_000).toISOString()

describe('overstayFen', () => {
  it('charges nothing within the exit window', () => {
    expect(
      overstayFen({
        tariff: DEMO_PARKING_TARIFF,
        enteredAt: ENTERED,
        paidMinutes: 120,
        paidUntil: at(135),
        until: at(134),
      }),
    ).toEqual({ fen: 0, minutes: 0 })
  })

  it('prices the time beyond the window as the increments after the paid stay, never the first period again', () => {
    // Paid 2 h (¥11); 5 minutes beyond the window are the next half hour, ¥3, not the first hour's ¥5.
    expect(
      overstayFen({
        tariff: DEMO_PARKING_TARIFF,
        enteredAt: ENTERED,
        paidMinutes: 120,
        paidUntil: at(135),
        until: at(140),
      }),
    ).toEqual({ fen: 300, minutes: 5 })
    // A stay paid within its free minutes owes the first period once it runs over.
    expect(
      overstayFen({
        tariff: DEMO_PARKING_TARIFF,
        enteredAt: ENTERED,
        paidMinutes: 10,
        paidUntil: at(25),
        until: at(35),
      }),
    ).toEqual({ fen: 500, minutes: 10 })
  })

  it('keeps the daily cap over the whole stay', () => {
    // 20 h paid reaches the ¥60 cap of the first 24 hours: an extra hour within them costs nothing.
    const tariff = { ...DEMO_PARKING_TARIFF, overnight: undefined }
    expect(
      overstayFen({ tariff, enteredAt: ENTERED, paidMinutes: 1200, paidUntil: at(1215), until: at(1275) }),
    ).toEqual({ fen: 0, minutes: 60 })
  })
})

describe('the exit window of a tariff', () => {
  it('defaults to 15 minutes and accepts 0 to 120', () => {
    expect(exitWindowOf(DEMO_PARKING_TARIFF)).toBe(EXIT_WINDOW_MINUTES)
    expect(parseTariff({ ...DEMO_PARKING_TARIFF, exitWindowMinutes: 30 })?.exitWindowMinutes).toBe(30)
    expect(parseTariff({ ...DEMO_PARKING_TARIFF, exitWindowMinutes: 121 })).toBeUndefined()
    expect(parseTariff({ ...DEMO_PARKING_TARIFF, exitWindowMinutes: 1.5 })).toBeUndefined()
  })
})

describe('paymentDayCounts', () => {
  it('sums what each kind of deduction took and the points spent', () => {
    expect(
      paymentDayCounts({
        amountFen: 200,
        pointsSpent: 600,
        lines: [
          { kind: 'tariff', label: '停车费', detail: '', fen: 2000 },
          { kind: 'tierFree', label: '', detail: '', fen: 800 },
          { kind: 'voucher', label: '', detail: '', fen: 300 },
          { kind: 'voucher', label: '', detail: '', fen: 300 },
          { kind: 'points', label: '', detail: '', fen: 400 },
        ],
      }),
    ).toEqual({
      payments: 1,
      paidFen: 200,
      tierFen: 800,
      spendFen: 0,
      voucherFen: 600,
      pointsFen: 400,
      pointsSpent: 600,
    })
  })
})

describe('the fee lines a payer reads', () => {
  it('says a stay under an hour in minutes', () => {
    const fee = parkingFee({
      session: { enteredAt: ENTERED, until: at(46) },
      payer: {},
      tariff: DEMO_PARKING_TARIFF,
      rules: DEMO_PARKING_RULES,
    })
    expect(fee.lines[0]).toMatchObject({ detail: '停车 46 分钟', fen: 500 })
  })
})
