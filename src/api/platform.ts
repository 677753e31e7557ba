/**
 * Platform services pages need besides the cloud: the clipboard, a file download (H5) and
 * WeChat's licence-plate picker. Pages call these, never `wx` / `Taro` platform APIs directly.
 */
import Taro from '@tarojs/taro'

const isWeapp = process.env.TARO_ENV === 'weapp'

/** Copies `text`; false when the platform refused (no permission, too large …). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await Taro.setClipboardData({ data: text })
    return true
  } catch (_error) {
    return false
  }
}

/** Whether a file can be saved from the page (H5: a Blob download; weapp: no). */
export const canDownload = !isWeapp && typeof document !== 'undefined' && typeof Blob !== 'undefined'

/** Saves `text` as a file in the browser (H5 only). */
export function downloadText(fileName: string, text: string, type = 'application/json'): boolean {
  if (!canDownload) return false
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Note: revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return true
}

/** Whether a text file can be sent to a chat from the page (weapp: wx.shareFileMessage). */
export const canShareFile = isWeapp

/**
 * Sends `text` as a file to a WeChat chat (weapp), written to the user data directory first, as
 * shareFileMessage takes a file: how a file leaves a mini-program for a computer.
 */
export async function shareTextFile(fileName: string, text: string): Promise<boolean> {
  if (!canShareFile) return false
  const filePath = `${wx.env.USER_DATA_PATH}/${fileName}`
  try {
    await new Promise<void>((resolve, reject) => {
      Taro.getFileSystemManager().writeFile({
        filePath,
        data: text,
        encoding: 'utf8',
        success: () => resolve(),
        fail: reject,
      })
    })
    await new Promise<void>((resolve, reject) => {
      wx.shareFileMessage({ filePath, fileName, success: () => resolve(), fail: reject })
    })
    return true
  } catch (_error) {
    return false
  }
}

/** WeChat's own plate picker (a privacy API: WeChat shows the authorisation first when needed). */
export const canChoosePlate =
  isWeapp && typeof wx !== 'undefined' && typeof wx.chooseLicensePlate === 'function'

/** The plate the shopper chose in WeChat, or undefined when cancelled or unavailable. */
export function chooseLicensePlate(): Promise<string | undefined> {
  if (!canChoosePlate) return Promise.resolve(undefined)
  return new Promise((resolve) => {
    wx.chooseLicensePlate({
      success: ({ plateNumber }) => resolve(plateNumber),
      fail: () => resolve(undefined),
    })
  })
}

export type SubscriptionAnswer = 'accept' | 'reject' | 'unavailable'

/**
 * Asks WeChat's one-time subscribe dialog for one template (L-12). Call it straight from the
 * tap, before any await: WeChat refuses it otherwise. `reject` covers "ban" (the member turned
 * the template off in WeChat's settings) and a dismissed dialog. In the browser build there is
 * no WeChat to ask: the tap itself is the member's answer.
 */
export function requestSubscription(templateId: string | null): Promise<SubscriptionAnswer> {
  if (!isWeapp) return Promise.resolve('accept')
  if (!templateId) return Promise.resolve('unavailable')
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: [templateId],
      success: (result) => resolve(result[templateId] === 'accept' ? 'accept' : 'reject'),
      fail: () => resolve('unavailable'),
    })
  })
}

/** Scrolls the page to the first element matching `selector`; nothing where the platform cannot. */
export function scrollToSelector(selector: string): void {
  if (typeof Taro.pageScrollTo !== 'function') return
  Taro.pageScrollTo({ selector, duration: 0 }).catch(() => undefined)
}

/** Whether the page can be printed (H5: the browser's print dialog). */
export const canPrint = !isWeapp && typeof window !== 'undefined' && typeof window.print === 'function'

/** Opens the browser's print dialog for the page (H5 only). */
export function printPage(): boolean {
  if (!canPrint) return false
  window.print()
  return true
}

/** Whether an image can be saved to the phone's album (weapp). */
export const canSaveToAlbum = isWeapp

/**
 * Saves a base64 PNG to the phone's album (weapp): written to a file of the user data directory
 * first, as saveImageToPhotosAlbum takes a file. WeChat asks for the album permission when needed.
 */
export async function savePngToAlbum(name: string, base64: string): Promise<boolean> {
  if (!canSaveToAlbum) return false
  const filePath = `${wx.env.USER_DATA_PATH}/${name}.png`
  try {
    await new Promise<void>((resolve, reject) => {
      Taro.getFileSystemManager().writeFile({
        filePath,
        data: base64,
        encoding: 'base64',
        success: () => resolve(),
        fail: reject,
      })
    })
    await Taro.saveImageToPhotosAlbum({ filePath })
    return true
  } catch (_error) {
    return false
  }
}

/** What WeChat's scanner read (QR or barcode); undefined when cancelled or not in WeChat. */
export async function scanCode(): Promise<string | undefined> {
  if (!isWeapp) return undefined
  try {
    const { result } = await Taro.scanCode({ scanType: ['qrCode', 'barCode'] })
    return result
  } catch (_error) {
    return undefined
  }
}

/**
 * Hides the page from screenshots and screen recordings where WeChat allows it
 * (wx.setVisualEffectOnCapture, Android); answers whether it was applied.
 */
export function hideFromCapture(hidden: boolean): Promise<boolean> {
  if (!isWeapp || typeof wx === 'undefined' || typeof wx.setVisualEffectOnCapture !== 'function')
    return Promise.resolve(false)
  return new Promise((resolve) => {
    wx.setVisualEffectOnCapture({
      visualEffect: hidden ? 'hidden' : 'none',
      success: () => resolve(true),
      fail: () => resolve(false),
    })
  })
}

/** WeChat Pay's pay sheet (weapp); the H5 dev build has the 模拟支付 sheet instead. */
export const canRequestPayment = isWeapp

/** Shows the pay sheet for an order's params; true once the payer paid, false if cancelled or failed. */
export function requestPayment(params: {
  timeStamp: string
  nonceStr: string
  package: string
  signType: string
  paySign: string
}): Promise<boolean> {
  if (!canRequestPayment) return Promise.resolve(false)
  return Taro.requestPayment({ ...params, signType: params.signType as 'MD5' }).then(
    () => true,
    () => false,
  )
}
