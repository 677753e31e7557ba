/**
 * The pure parts of 小票积分: the covered areas the shopper drags over the photo (in the canvas's
 * pixels, turned into the image's), and which receipt dates can still be claimed.
 */
import { parseIsoDate } from '../dates'
import { RECEIPT_CLAIM_DAYS } from './model'

export interface Point {
  x: number
  y: number
}

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export interface Size {
  width: number
  height: number
}

/** Drags shorter than this (either side) are taps, not covered areas. */
export const MIN_COVER_PX = 6

/** The rectangle a drag from `start` to `end` spans, inside `bounds`; null for a tap. */
export function dragRect(start: Point, end: Point, bounds: Size): Rect | null {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max)
  const x1 = clamp(Math.min(start.x, end.x), bounds.width)
  const x2 = clamp(Math.max(start.x, end.x), bounds.width)
  const y1 = clamp(Math.min(start.y, end.y), bounds.height)
  const y2 = clamp(Math.max(start.y, end.y), bounds.height)
  if (x2 - x1 < MIN_COVER_PX || y2 - y1 < MIN_COVER_PX) return null
  return { x: x1, y: y1, w: x2 - x1, h: y2 - y1 }
}

/**
 * A rectangle drawn on the displayed canvas, in the pixels of the image it shows, grown outwards
 * to whole pixels so that no edge of a digit stays uncovered.
 */
export function toImageRect(rect: Rect, shown: Size, image: Size): Rect {
  const sx = image.width / shown.width
  const sy = image.height / shown.height
  const x = Math.max(0, Math.floor(rect.x * sx))
  const y = Math.max(0, Math.floor(rect.y * sy))
  const right = Math.min(image.width, Math.ceil((rect.x + rect.w) * sx))
  const bottom = Math.min(image.height, Math.ceil((rect.y + rect.h) * sy))
  return { x, y, w: right - x, h: bottom - y }
}

/** The size an image is shown at to fit `maxWidth`, keeping its proportions (never enlarged). */
export function fitWidth(image: Size, maxWidth: number): Size {
  if (image.width <= maxWidth) return { ...image }
  return { width: maxWidth, height: Math.round((image.height * maxWidth) / image.width) }
}

const DAY_MS = 24 * 3600_000

/** Whether a receipt dated `date` (YYYY-MM-DD) can be claimed on China day `today`. */
export function claimableDate(date: string, today: string): boolean {
  const day = parseIsoDate(date)
  const now = parseIsoDate(today)
  if (!day || !now) return false
  const age = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${date}T00:00:00Z`)) / DAY_MS)
  return age >= 0 && age <= RECEIPT_CLAIM_DAYS
}
