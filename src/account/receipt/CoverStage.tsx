import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useRef, useState } from 'react'
import { dragRect, type Point, type Rect, type Size } from '@/domain/receipt/rules'

export interface CoverStageProps {
  src: string
  /** The size the photo is shown at, in screen pixels. */
  shown: Size
  covers: Rect[]
  onCover: (rect: Rect) => void
}

/** The first finger of a touch event, in viewport pixels (weapp and H5 both give clientX/Y). */
const touchOf = (event: unknown): Point | null => {
  const touches = (event as { touches?: ArrayLike<{ clientX: number; clientY: number }> }).touches
  const touch = touches?.[0]
  return touch ? { x: touch.clientX, y: touch.clientY } : null
}

/**
 * The photo with the areas the shopper covered: a finger dragged over the phone or card number
 * draws a black rectangle. What is drawn here is what coverAndUpload burns into the photo.
 */
export function CoverStage({ src, shown, covers, onCover }: CoverStageProps) {
  const origin = useRef<Point | null>(null)
  const start = useRef<Point | null>(null)
  const [drawing, setDrawing] = useState<Rect | null>(null)

  const local = (point: Point): Point | null =>
    origin.current ? { x: point.x - origin.current.x, y: point.y - origin.current.y } : null

  const handleStart = (event: unknown) => {
    const point = touchOf(event)
    if (!point) return
    start.current = null
    // The stage's place on screen now (the page may have scrolled since the last touch).
    Taro.createSelectorQuery()
      .select('.receipt__stage')
      .boundingClientRect((rect) => {
        const box = Array.isArray(rect) ? rect[0] : rect
        if (!box) return
        origin.current = { x: box.left, y: box.top }
        start.current = local(point)
      })
      .exec()
  }

  const handleMove = (event: unknown) => {
    const point = touchOf(event)
    const from = start.current
    const to = point && local(point)
    if (from && to) setDrawing(dragRect(from, to, shown))
  }

  const handleEnd = () => {
    if (drawing) onCover(drawing)
    setDrawing(null)
    start.current = null
  }

  const box = (rect: Rect, key: string, live = false) => (
    <View
      key={key}
      className={`receipt__cover${live ? ' receipt__cover--live' : ''}`}
      style={{ left: `${rect.x}px`, top: `${rect.y}px`, width: `${rect.w}px`, height: `${rect.h}px` }}
    />
  )

  return (
    <View
      className="receipt__stage"
      style={{ width: `${shown.width}px`, height: `${shown.height}px` }}
      catchMove
      onTouchStart={handleStart}
      onTouchMove={handleMove}
      onTouchEnd={handleEnd}
    >
      <Image
        className="receipt__photo"
        src={src}
        style={{ width: `${shown.width}px`, height: `${shown.height}px` }}
      />
      {covers.map((rect, i) => box(rect, `c${i}`))}
      {drawing && box(drawing, 'live', true)}
      {covers.length === 0 && !drawing && (
        <Text className="receipt__stage-hint">用手指拖动，涂盖手机号、卡号</Text>
      )}
    </View>
  )
}
