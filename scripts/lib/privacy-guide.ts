/**
 * The entries of the mini-program's 用户隐私保护指引 (admin console → 设置 → 服务内容声明 →
 * 用户隐私保护指引), generated from the code: which WeChat privacy interfaces src/ uses, what
 * information each one collects, and — from the data inventory — why and for how long.
 *
 * Every platform API src/ calls must be classified here, as a privacy interface
 * (PRIVACY_APIS) or not (NOT_PRIVACY): the test fails on an API in neither, so a new privacy
 * interface cannot ship without its entry in the guide.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

import { INVENTORY, inventoryField, type FieldKey } from '../../src/domain/identity/inventory'
import { PURPOSES } from '../../src/domain/consent/purposes'

export type ApiKind = 'call' | 'openType' | 'component'

export interface PrivacyApi {
  /** `wx.<api>` / `Taro.<api>` calls, `open-type` values, or component names. */
  api: string
  kind: ApiKind
  /** The information type as the guide's form names it. */
  item: string
  /** Inventory fields the interface yields: the purpose and retention come from them. */
  fields: FieldKey[]
  /** Purpose text for interfaces that yield no stored field (clipboard, album …). */
  purpose?: string
}

const LOCATION = '位置信息'
const MEDIA = '选中的照片或视频信息'

/** WeChat's privacy interfaces (the ones that need the user's agreement to the guide). */
export const PRIVACY_APIS: readonly PrivacyApi[] = [
  { api: 'getPhoneNumber', kind: 'openType', item: '手机号', fields: ['phone'] },
  { api: 'getRealtimePhoneNumber', kind: 'openType', item: '手机号', fields: ['phone'] },
  { api: 'chooseLicensePlate', kind: 'call', item: '车牌号', fields: ['plates'] },
  { api: 'chooseAddress', kind: 'call', item: '地址', fields: ['address'] },
  { api: 'chooseInvoiceTitle', kind: 'call', item: '发票信息', fields: [] },
  { api: 'chooseInvoice', kind: 'call', item: '发票信息', fields: [] },
  { api: 'getWeRunData', kind: 'call', item: '微信运动步数', fields: [] },
  ...[
    'getLocation',
    'getFuzzyLocation',
    'chooseLocation',
    'choosePoi',
    'startLocationUpdate',
    'startLocationUpdateBackground',
    'onLocationChange',
  ].map((api) => ({ api, kind: 'call' as const, item: LOCATION, fields: [] })),
  ...['chooseMedia', 'chooseImage', 'chooseVideo'].map((api) => ({
    api,
    kind: 'call' as const,
    item: MEDIA,
    fields: [],
  })),
  { api: 'chooseMessageFile', kind: 'call', item: '选中的文件', fields: [] },
  { api: 'getRecorderManager', kind: 'call', item: '麦克风', fields: [] },
  { api: 'startRecord', kind: 'call', item: '麦克风', fields: [] },
  { api: 'joinVoIPChat', kind: 'call', item: '麦克风', fields: [] },
  { api: 'createCameraContext', kind: 'call', item: '摄像头', fields: [] },
  { api: 'createVKSession', kind: 'call', item: '摄像头', fields: [] },
  { api: 'camera', kind: 'component', item: '摄像头', fields: [] },
  { api: 'openBluetoothAdapter', kind: 'call', item: '蓝牙', fields: [] },
  { api: 'createBLEConnection', kind: 'call', item: '蓝牙', fields: [] },
  { api: 'saveImageToPhotosAlbum', kind: 'call', item: '相册（仅写入）权限', fields: [] },
  { api: 'saveVideoToPhotosAlbum', kind: 'call', item: '相册（仅写入）权限', fields: [] },
  { api: 'addPhoneContact', kind: 'call', item: '通讯录（仅写入）权限', fields: [] },
  { api: 'addPhoneRepeatCalendar', kind: 'call', item: '日历（仅写入）权限', fields: [] },
  { api: 'addPhoneCalendar', kind: 'call', item: '日历（仅写入）权限', fields: [] },
  {
    api: 'setClipboardData',
    kind: 'call',
    item: '剪切板',
    fields: [],
    purpose: '在你点击“复制”时，将会员号或你导出的个人信息写入剪切板，便于你粘贴保存',
  },
  { api: 'getClipboardData', kind: 'call', item: '剪切板', fields: [] },
  { api: 'chooseAvatar', kind: 'openType', item: '用户信息（微信昵称、头像）', fields: [] },
  { api: 'nickname', kind: 'component', item: '用户信息（微信昵称、头像）', fields: [] },
  { api: 'getUserProfile', kind: 'call', item: '用户信息（微信昵称、头像）', fields: [] },
  { api: 'getUserInfo', kind: 'call', item: '用户信息（微信昵称、头像）', fields: [] },
]

/**
 * Platform APIs that are not privacy interfaces. An API src/ uses must be here or in
 * PRIVACY_APIS; add it to the right one (WeChat's list: 小程序隐私协议开发指南).
 */
export const NOT_PRIVACY: ReadonlySet<string> = new Set([
  // calls
  'cloud',
  'navigateTo',
  'navigateBack',
  'redirectTo',
  'reLaunch',
  'switchTab',
  'pageScrollTo',
  'showToast',
  'hideToast',
  'showModal',
  'showLoading',
  'hideLoading',
  'setStorageSync',
  'getStorageSync',
  'removeStorageSync',
  'setNavigationBarTitle',
  'getSystemInfoSync',
  'getWindowInfo',
  'createSelectorQuery',
  'nextTick',
  'getCurrentInstance',
  'getCurrentPages',
  'onPageNotFound',
  'getEnv',
  'eventCenter',
  'requestSubscribeMessage',
  'vibrateShort',
  // the mini-program's own temporary files (a chosen file read, a code image written)
  'getFileSystemManager',
  'env',
  // a photo the shopper chose (chooseMedia, a privacy interface) measured and redrawn on the
  // device with the covered areas burned in; random bytes for its file name
  'getImageInfo',
  'canvasToTempFilePath',
  'getUserCryptoManager',
  // a report file the staff member sends to a chat they pick: figures, no personal information
  'shareFileMessage',
  // WeChat Pay's own payment sheet for a parking order the function created
  'requestPayment',
  // staff scanning a shopper's claim or member code: the code's text, no camera image kept
  'scanCode',
  // the member code page hidden from screenshots and recordings: hands over nothing
  'setVisualEffectOnCapture',
  // the privacy flow itself
  'getPrivacySetting',
  'onNeedPrivacyAuthorization',
  'requirePrivacyAuthorize',
  'openPrivacyContract',
  'agreePrivacyAuthorization',
  // open-type values that hand over nothing
  'share',
  'contact',
  'feedback',
  'openSetting',
])

export interface Usage {
  api: string
  kind: ApiKind
  file: string
  line: number
}

// Comments mention APIs without using them.
function stripComments(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
}

const PATTERNS: Array<{ kind: ApiKind; re: RegExp }> = [
  { kind: 'call', re: /\b(?:wx|Taro)\.([A-Za-z]+)\b/g },
  { kind: 'openType', re: /\bopen-?[Tt]ype=\{?\s*["'`]([A-Za-z]+)["'`]/g },
  { kind: 'component', re: /<(camera|Camera)\b/g },
  { kind: 'component', re: /\btype=\{?\s*["'`](nickname)["'`]/g },
]

/** Platform API usages in one source text. */
export function scanText(text: string, file = '<text>'): Usage[] {
  const code = stripComments(text)
  const lineOf = (index: number) => code.slice(0, index).split('\n').length
  const usages: Usage[] = []
  for (const { kind, re } of PATTERNS) {
    for (const match of code.matchAll(re)) {
      usages.push({ api: match[1].replace(/^Camera$/, 'camera'), kind, file, line: lineOf(match.index ?? 0) })
    }
  }
  // `import { chooseLocation } from '@tarojs/taro'`: named API imports (hooks and types aside).
  for (const match of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*['"]@tarojs\/taro['"]/g)) {
    for (const raw of match[1].split(',')) {
      const name = raw
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)[0]
      if (name && !/^use[A-Z]/.test(name) && /^[a-z]/.test(name) && !raw.trim().startsWith('type ')) {
        usages.push({ api: name, kind: 'call', file, line: lineOf(match.index ?? 0) })
      }
    }
  }
  return usages
}

/** Every .ts/.tsx/.js/.jsx file under `dir`. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return /\.(tsx?|jsx?)$/.test(entry.name) && !/\.d\.ts$/.test(entry.name) ? [full] : []
  })
}

export function scanSources(srcDir: string, root = path.dirname(srcDir)): Usage[] {
  return sourceFiles(srcDir).flatMap((file) =>
    scanText(readFileSync(file, 'utf8'), path.relative(root, file)),
  )
}

const privacyApi = (usage: Usage) => PRIVACY_APIS.find((p) => p.api === usage.api && p.kind === usage.kind)

/** Usages that are in neither table: each needs a decision before it ships. */
export function unclassified(usages: Usage[]): Usage[] {
  return usages.filter((usage) => !privacyApi(usage) && !NOT_PRIVACY.has(usage.api))
}

export interface GuideEntry {
  item: string
  apis: string[]
  purposes: string[]
  retention: string[]
  files: string[]
}

/** One entry per information type, as the form asks: what, for what, how long. */
export function guideEntries(usages: Usage[]): GuideEntry[] {
  const entries = new Map<string, GuideEntry>()
  for (const usage of usages) {
    const api = privacyApi(usage)
    if (!api) continue
    const entry = entries.get(api.item) ?? {
      item: api.item,
      apis: [],
      purposes: [],
      retention: [],
      files: [],
    }
    const add = (list: string[], value: string) => {
      if (!list.includes(value)) list.push(value)
    }
    add(entry.apis, usage.kind === 'openType' ? `button open-type="${api.api}"` : api.api)
    add(entry.files, usage.file)
    for (const key of api.fields) {
      const field = inventoryField(key)
      for (const purpose of field.purposes) add(entry.purposes, PURPOSES[purpose].description)
      add(entry.retention, field.retention.text)
    }
    if (api.purpose) add(entry.purposes, api.purpose)
    if (entry.purposes.length === 0) add(entry.purposes, '（用途未在数据清单中声明：上线前补充）')
    entries.set(api.item, entry)
  }
  return [...entries.values()]
}

/** Permissions the app uses rather than information it collects: the form says 使用. */
const USED_NOT_COLLECTED = new Set([
  '剪切板',
  '麦克风',
  '摄像头',
  '蓝牙',
  '相册（仅写入）权限',
  '通讯录（仅写入）权限',
  '日历（仅写入）权限',
])

/** The text to enter in the admin console, then what the inventory says the app collects itself. */
export function renderGuide(entries: GuideEntry[]): string {
  const lines = [
    '# 用户隐私保护指引 — entries (generated by npm run privacy:guide)',
    '',
    'Admin console (mp.weixin.qq.com) → 设置 → 服务内容声明 → 用户隐私保护指引 → 补充/更新.',
    'Declare exactly these information types; WeChat refuses a privacy interface not declared here.',
    '',
  ]
  entries.forEach((entry, i) => {
    lines.push(`${i + 1}. ${entry.item}`)
    const verb = USED_NOT_COLLECTED.has(entry.item) ? '使用' : '收集'
    for (const purpose of entry.purposes) {
      // The form's sentence: 为了【用途】，开发者将在获取你的明示同意后，收集你的【信息】。
      const what = purpose.split('。')[0]
      lines.push(`   用途: 为了${what}，开发者将在获取你的明示同意后，${verb}你的${entry.item}。`)
    }
    if (entry.retention.length > 0) lines.push(`   存储期限: ${entry.retention.join('；')}`)
    lines.push(`   interfaces: ${entry.apis.join(', ')} (${entry.files.join(', ')})`)
  })
  lines.push(
    '',
    '## Information the app collects through its own forms (data inventory, src/domain/identity/inventory.ts)',
    'Declare them under the matching type where the form has one; the privacy notice shown at sign-up covers them all.',
    '',
  )
  for (const field of INVENTORY) {
    const purposes = field.purposes.map((p) => PURPOSES[p].title).join('、')
    const flags = [field.required ? '必填' : '可选', field.sensitive ? '敏感个人信息' : ''].filter(Boolean)
    lines.push(`- ${field.label} (${field.key}): ${purposes}; ${flags.join('，')}; ${field.retention.text}`)
  }
  lines.push(
    '',
    '存储期限 and 联系方式: use the controller contact in settings/controller (the privacy notice shows the same).',
  )
  return lines.join('\n')
}
