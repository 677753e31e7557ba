/**
 * 导入会员卡 (compiled weapp, staff sub-package): a CSV file chosen from a chat and read on the
 * device, the dry run's problem rows with masked card numbers, the import in batches, and
 * resuming an import after a failed batch.
 */
import { ERROR_MESSAGES } from '@/domain/errors'
import { NOTICE, STORES, ok, STORE_MANAGER } from './support/fixtures'
import { launch, stubCloud, stubPrivacy, until } from './support/weapp'

const g = global as unknown as { wx: Record<string, unknown> }

const MANAGER = STORE_MANAGER

/** A file of `n` good cards, then one with a bad phone and a repeat of the first. */
function file(n: number): string {
  const lines = ['\ufeff卡号,手机号,姓名,等级,期初积分']
  for (let i = 0; i < n; i++)
    lines.push(`62000000${String(i).padStart(8, '0')},1370${String(i).padStart(7, '0')},王芳,普通,10`)
  lines.push('6299999999999999,123,李雷,VIP,0')
  lines.push(`${'6200000000000000'},13700000000,王芳,普通,10`)
  return lines.join('\r\n')
}

/** WeChat's file chooser and file system manager, answering `text`. */
function stubFile(text: string) {
  g.wx.chooseMessageFile = ({ success }: { success: (r: unknown) => void }) =>
    success({
      tempFiles: [{ path: 'wxfile://tmp/cards.csv', name: 'cards.csv', size: text.length, type: 'file' }],
    })
  g.wx.getFileSystemManager = () => ({
    readFile: ({ success }: { success: (r: unknown) => void }) =>
      success({ data: text, errMsg: 'readFile:ok' }),
  })
}

const result = (data: { rows: unknown[] }, extra: Record<string, unknown> = {}) =>
  ok({ rows: data.rows.length, imported: data.rows.length, alreadyImported: 0, problems: [], ...extra })

describe('card import page (compiled weapp)', () => {
  it.each([
    ['a manager', MANAGER, true],
    ['counter staff', { ...MANAGER, role: 'counter' as const }, false],
  ])('offers the import on the workbench to %s', async (_who, staff, offered) => {
    stubCloud({ me: () => ok({ staff }), joinForm: () => ok({ notice: NOTICE, stores: STORES }) })
    stubPrivacy(false)
    const page = launch('pages/workbench/index')
    await until(() => page.find('.workbench__me'), 'the staff identity')
    expect(page.find('.entry-list__item--cards') !== undefined).toBe(offered)
  })

  it('shows the problem rows of the file and of the dry run, card numbers masked', async () => {
    stubFile(file(3))
    const calls = stubCloud({
      me: () => ok({ staff: MANAGER }),
      joinForm: () => ok({ notice: NOTICE, stores: STORES }),
      dryRunCardImport: (data) =>
        result(data as { rows: unknown[] }, {
          imported: 2,
          problems: [
            {
              row: 2,
              cardNo: '6200********0000',
              code: 'CARD_IMPORT_EXISTS',
              message: ERROR_MESSAGES.CARD_IMPORT_EXISTS,
            },
          ],
        }),
    })
    stubPrivacy(false)
    const page = launch('staff/cards/index')
    await until(() => page.find('.card-import__choose'), 'the file button')
    await page.tap('.card-import__choose')
    await until(() => page.find('.card-import__dry-run'), 'the dry-run button')
    await page.tap('.card-import__dry-run')
    await until(() => page.text('.card-import__summary').includes('完成'), 'the dry run')

    const sent = calls.filter((c) => c.action === 'dryRunCardImport')
    expect(sent).toHaveLength(1)
    expect(sent[0].data).toMatchObject({ storeId: STORES[0].id })
    expect((sent[0].data as { rows: unknown[] }).rows).toHaveLength(3)
    const rows = page.findAll('.card-import__problem').map((p) => p?.dom?.textContent ?? '')
    expect(rows).toEqual([
      expect.stringContaining('第 2 行6200********0000该卡号已存在'),
      expect.stringContaining(`第 5 行6299********9999${ERROR_MESSAGES.PHONE_INVALID}`),
      expect.stringContaining(`第 6 行6200********0000${ERROR_MESSAGES.CARD_IMPORT_DUPLICATE}`),
    ])
    expect(page.content()).not.toContain('13700000000')
  })

  it('imports in batches of 500 and resumes after a failed batch with the remaining ones', async () => {
    stubFile(file(1200))
    let failOnce = true
    const calls = stubCloud({
      me: () => ok({ staff: MANAGER }),
      joinForm: () => ok({ notice: NOTICE, stores: STORES }),
      importCards: (data) => {
        const { rows } = data as { rows: Array<{ row: number }> }
        if (rows[0].row > 1000 && failOnce) {
          failOnce = false
          return { ok: false, code: 'NETWORK', message: ERROR_MESSAGES.NETWORK }
        }
        return result(data as { rows: unknown[] })
      },
    })
    stubPrivacy(false)
    const page = launch('staff/cards/index')
    await until(() => page.find('.card-import__choose'), 'the file button')
    await page.tap('.card-import__choose')
    await until(() => page.find('.card-import__import'), 'the import button')
    await page.tap('.card-import__import')
    await until(() => page.find('.card-import__resume'), 'the resume button')
    expect(page.text('.card-import__progress')).toContain('第 2 / 3 批')
    expect(page.content()).toContain(ERROR_MESSAGES.NETWORK)

    await page.tap('.card-import__resume')
    await until(() => page.text('.card-import__summary').includes('导入完成'), 'the import')
    expect(page.text('.card-import__count')).toContain('已导入 1200 张')
    const batches = calls
      .filter((c) => c.action === 'importCards')
      .map((c) => (c.data as { rows: unknown[] }).rows.length)
    expect(batches).toEqual([500, 500, 200, 200])
  })
})
