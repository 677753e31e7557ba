/**
 * The 用户隐私保护指引 entries come from the code: every platform API src/ uses is classified,
 * and each privacy interface in use produces an entry with its purpose and retention.
 */
import path from 'node:path'

import {
  guideEntries,
  NOT_PRIVACY,
  PRIVACY_APIS,
  renderGuide,
  scanSources,
  scanText,
  unclassified,
} from '../../scripts/lib/privacy-guide'
import { INVENTORY } from '../../src/domain/identity/inventory'

const ROOT = path.resolve(__dirname, '../..')
const usages = scanSources(path.join(ROOT, 'src'), ROOT)

describe('privacy guide', () => {
  test('every platform API used in src/ is classified as a privacy interface or not', () => {
    const unknown = unclassified(usages).map((u) => `${u.kind} ${u.api} (${u.file}:${u.line})`)
    expect(unknown).toEqual([])
  })

  test('no API is both a privacy interface and not one', () => {
    expect(PRIVACY_APIS.filter((p) => NOT_PRIVACY.has(p.api)).map((p) => p.api)).toEqual([])
  })

  test('every inventory field a privacy interface names exists', () => {
    const keys = new Set(INVENTORY.map((f) => f.key))
    for (const api of PRIVACY_APIS) for (const key of api.fields) expect(keys.has(key)).toBe(true)
  })

  test.each([
    ['a call', 'Taro.chooseLocation({ success })', 'call', 'chooseLocation', '位置信息'],
    ['a wx call', 'wx.chooseMedia({ count: 1 })', 'call', 'chooseMedia', '选中的照片或视频信息'],
    [
      'a button',
      '<Button openType="chooseAvatar" onChooseAvatar={f} />',
      'openType',
      'chooseAvatar',
      '用户信息（微信昵称、头像）',
    ],
    [
      'a named import',
      "import { getLocation, useLoad } from '@tarojs/taro'",
      'call',
      'getLocation',
      '位置信息',
    ],
    ['a nickname input', '<Input type="nickname" />', 'component', 'nickname', '用户信息（微信昵称、头像）'],
    ['a camera', '<Camera devicePosition="back" />', 'component', 'camera', '摄像头'],
  ])('should find %s and give it its guide entry', (_label, text, kind, api, item) => {
    const found = scanText(text)
    expect(found).toContainEqual(expect.objectContaining({ kind, api }))
    expect(guideEntries(found).map((e) => e.item)).toContain(item)
  })

  test('should flag an API nobody classified, and ignore one named only in a comment', () => {
    expect(unclassified(scanText('wx.getBatteryInfo()')).map((u) => u.api)).toEqual(['getBatteryInfo'])
    expect(scanText('// wx.chooseLocation() is not used\n/* Taro.getLocation() */')).toEqual([])
  })

  test('the guide for this code declares the phone number, plates and clipboard with purpose and retention', () => {
    const entries = guideEntries(usages)
    expect(entries.map((e) => e.item)).toEqual(expect.arrayContaining(['剪切板', '手机号', '车牌号']))
    const phone = entries.find((e) => e.item === '手机号')
    expect(phone?.purposes[0]).toMatch(/会员/)
    expect(phone?.retention).toEqual([expect.stringMatching(/注销/)])
    const text = renderGuide(entries)
    expect(text).toContain('开发者将在获取你的明示同意后，收集你的手机号。')
    for (const field of INVENTORY) expect(text).toContain(`${field.label} (${field.key})`)
  })
})
