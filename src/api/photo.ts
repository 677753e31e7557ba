/**
 * Receipt photos on the device (小票积分): choosing one, covering the areas the shopper marked
 * (burned in as solid black on the device, so the covered digits are never uploaded and no OCR
 * service ever receives them) and uploading the result to cloud storage. Weapp: chooseMedia, a
 * Canvas 2D node of the page and `wx.cloud.uploadFile`; H5: a file input, a DOM canvas and
 * local-cloud's `POST /api/storage/upload`. Pages call this, never the platform APIs.
 */
import Taro from '@tarojs/taro'

import { fitWidth, type Rect, type Size } from '@/domain/receipt/rules'

const isWeapp = process.env.TARO_ENV === 'weapp'

/** Photos are scaled down to this width before upload: the digits of a receipt stay legible. */
export const PHOTO_MAX_WIDTH = 1280
/** Larger files are refused before reading. */
const PHOTO_MAX_BYTES = 15 * 1024 * 1024
const JPEG_QUALITY = 0.85

export interface PickedPhoto {
  /** What an <Image> shows: an object URL (H5) or a temporary file path (weapp). */
  src: string
  /** The size the upload will have (the photo scaled to PHOTO_MAX_WIDTH at most). */
  size: Size
}

export type UploadResult = { ok: true; fileId: string } | { ok: false }

function loadImage(src: string): Promise<HTMLImageElement | null> {
  return new Promise((resolve) => {
    const image = new Image()
    image.onload = () => resolve(image)
    image.onerror = () => resolve(null)
    image.src = src
  })
}

function pickInBrowser(): Promise<PickedPhoto | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = 'image/png,image/jpeg'
    input.style.display = 'none'
    input.addEventListener('change', async () => {
      const file = input.files?.[0]
      input.remove()
      if (!file || file.size > PHOTO_MAX_BYTES) return resolve(null)
      const src = URL.createObjectURL(file)
      const image = await loadImage(src)
      if (!image) return resolve(null)
      resolve({
        src,
        size: fitWidth({ width: image.naturalWidth, height: image.naturalHeight }, PHOTO_MAX_WIDTH),
      })
    })
    input.addEventListener('cancel', () => {
      input.remove()
      resolve(null)
    })
    document.body.appendChild(input)
    input.click()
  })
}

async function pickInWeapp(): Promise<PickedPhoto | null> {
  try {
    const { tempFiles } = await Taro.chooseMedia({
      count: 1,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
    })
    const file = tempFiles[0]
    if (!file || file.size > PHOTO_MAX_BYTES) return null
    const info = await Taro.getImageInfo({ src: file.tempFilePath })
    return {
      src: file.tempFilePath,
      size: fitWidth({ width: info.width, height: info.height }, PHOTO_MAX_WIDTH),
    }
  } catch {
    return null
  }
}

/** Lets the shopper choose or take one photo; null when cancelled or unreadable. */
export function pickPhoto(): Promise<PickedPhoto | null> {
  return isWeapp ? pickInWeapp() : pickInBrowser()
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** A random file name: nobody can guess another shopper's photo id. */
function randomName(): Promise<string> {
  if (!isWeapp) return Promise.resolve(hex(crypto.getRandomValues(new Uint8Array(16))))
  // Note: the mini-program has no global `crypto`; WeChat's user crypto manager draws the bytes.
  return new Promise((resolve, reject) =>
    Taro.getUserCryptoManager().getRandomValues({
      length: 16,
      success: ({ randomValues }) => resolve(hex(new Uint8Array(randomValues))),
      fail: reject,
    }),
  )
}

type Context2D = {
  drawImage(image: unknown, x: number, y: number, w: number, h: number): void
  fillRect(x: number, y: number, w: number, h: number): void
  fillStyle: unknown
}

/** Draws the photo and burns the covered areas in: what is uploaded has no trace of them. */
function paint(context: Context2D, image: unknown, size: Size, covers: Rect[]) {
  context.drawImage(image, 0, 0, size.width, size.height)
  context.fillStyle = '#000000'
  for (const rect of covers) context.fillRect(rect.x, rect.y, rect.w, rect.h)
}

async function uploadInBrowser(photo: PickedPhoto, covers: Rect[]): Promise<UploadResult> {
  const image = await loadImage(photo.src)
  if (!image) return { ok: false }
  const canvas = document.createElement('canvas')
  canvas.width = photo.size.width
  canvas.height = photo.size.height
  const context = canvas.getContext('2d')
  if (!context) return { ok: false }
  paint(context, image, photo.size, covers)
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY))
  if (!blob) return { ok: false }
  try {
    const response = await fetch(`/api/storage/upload?cloudPath=receipts/${await randomName()}.jpg`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: blob,
    })
    const answer = (await response.json()) as { fileID?: unknown }
    return typeof answer.fileID === 'string' ? { ok: true, fileId: answer.fileID } : { ok: false }
  } catch {
    return { ok: false }
  }
}

interface WeappCanvas {
  width: number
  height: number
  getContext(kind: '2d'): Context2D
  createImage(): { src: string; onload: () => void; onerror: () => void }
}

async function uploadInWeapp(photo: PickedPhoto, covers: Rect[], canvasId: string): Promise<UploadResult> {
  try {
    const canvas = await new Promise<WeappCanvas | undefined>((resolve) =>
      Taro.createSelectorQuery()
        .select(`#${canvasId}`)
        .fields({ node: true, size: true })
        .exec((found) => resolve((found?.[0] as { node?: WeappCanvas } | undefined)?.node)),
    )
    if (!canvas) return { ok: false }
    canvas.width = photo.size.width
    canvas.height = photo.size.height
    const image = canvas.createImage()
    await new Promise<void>((resolve, reject) => {
      image.onload = resolve
      image.onerror = reject
      image.src = photo.src
    })
    paint(canvas.getContext('2d'), image, photo.size, covers)
    const { tempFilePath } = await Taro.canvasToTempFilePath({
      canvas: canvas as unknown as Taro.canvasToTempFilePath.Option['canvas'],
      fileType: 'jpg',
      quality: JPEG_QUALITY,
    })
    const { fileID } = await Taro.cloud.uploadFile({
      cloudPath: `receipts/${await randomName()}.jpg`,
      filePath: tempFilePath,
    })
    return { ok: true, fileId: fileID }
  } catch {
    return { ok: false }
  }
}

/**
 * Burns `covers` (in the upload's pixels) into the photo and uploads it; answers its file id.
 * Weapp draws on the page's Canvas 2D node `canvasId` (hidden off screen).
 */
export function coverAndUpload(photo: PickedPhoto, covers: Rect[], canvasId: string): Promise<UploadResult> {
  return isWeapp ? uploadInWeapp(photo, covers, canvasId) : uploadInBrowser(photo, covers)
}
