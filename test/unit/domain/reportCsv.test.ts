import type { PointsReport } from '@/domain/contracts/points'
import { pointsReportCsv, reportFileName } from '@/domain/points/reportCsv'

const zero = { issued: 0, spent: 0, expired: 0, reversed: 0, adjusted: 0, absorbed: 0 }
const REPORT: PointsReport = {
  from: '2024-06-03',
  to: '2024-06-04',
  storeIds: ['store-a', 'store-b'],
  rows: [
    { ...zero, day: '2024-06-03', issued: 50, reversed: 200, adjusted: -7, liability: 157 },
    { ...zero, day: '2024-06-04', spent: 20, liability: 137 },
  ],
}

describe('the points report as CSV', () => {
  test('should write a header, one line per day and the stores, readable as UTF-8', () => {
    expect(pointsReportCsv(REPORT, '徐汇店、浦东店').split('\r\n')).toEqual([
      '\uFEFF日期,发放,使用,过期,退货扣回,调整,商场承担,日终未兑付积分',
      '2024-06-03,50,0,0,200,-7,0,157',
      '2024-06-04,0,20,0,0,0,0,137',
      '',
      '门店,徐汇店、浦东店',
      '',
    ])
  })

  test('should quote a store name that holds a comma or a quote', () => {
    expect(pointsReportCsv(REPORT, 'A,"B"')).toContain('门店,"A,""B"""\r\n')
  })

  test('should name the file after the range', () => {
    expect(reportFileName(REPORT)).toBe('积分报表_2024-06-03_2024-06-04.csv')
  })
})
