/**
 * The points report as CSV for the mall's finance (issue #11): one row per China day, the same
 * figures as the 积分报表 page (from the daily aggregates), with the stores it covers.
 */
import type { PointsDayRow, PointsReport } from '../contracts/points'

export const REPORT_COLUMNS: readonly {
  key: keyof Omit<PointsDayRow, 'day' | 'liability'>
  label: string
}[] = [
  { key: 'issued', label: '发放' },
  { key: 'spent', label: '使用' },
  { key: 'expired', label: '过期' },
  { key: 'reversed', label: '退货扣回' },
  { key: 'adjusted', label: '调整' },
  { key: 'absorbed', label: '商场承担' },
]

/** A field as CSV writes it (RFC 4180): quoted when it holds a comma, a quote or a line break. */
const field = (value: string | number) => {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** `积分报表_<from>_<to>.csv` */
export const reportFileName = (report: PointsReport) => `积分报表_${report.from}_${report.to}.csv`

/**
 * The CSV text: a byte-order mark (so spreadsheet programs read the Chinese headers as UTF-8),
 * a header line, one line per day, and the stores covered (`stores`, as the page names them);
 * CRLF line ends.
 */
export function pointsReportCsv(report: PointsReport, stores: string): string {
  const header = ['日期', ...REPORT_COLUMNS.map((c) => c.label), '日终未兑付积分']
  const lines = [
    header,
    ...report.rows.map((row) => [row.day, ...REPORT_COLUMNS.map((c) => row[c.key]), row.liability]),
    [],
    ['门店', stores],
  ]
  return `\uFEFF${lines.map((line) => line.map(field).join(',')).join('\r\n')}\r\n`
}
