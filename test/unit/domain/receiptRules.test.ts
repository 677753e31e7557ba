import { claimableDate, dragRect, fitWidth, toImageRect } from '@/domain/receipt/rules'

describe('covered areas of a receipt photo', () => {
  const bounds = { width: 300, height: 400 }

  it.each([
    ['drawn down and right', { x: 10, y: 20 }, { x: 110, y: 60 }, { x: 10, y: 20, w: 100, h: 40 }],
    ['drawn up and left', { x: 110, y: 60 }, { x: 10, y: 20 }, { x: 10, y: 20, w: 100, h: 40 }],
    ['dragged past the edges', { x: -30, y: 380 }, { x: 350, y: 500 }, { x: 0, y: 380, w: 300, h: 20 }],
  ])('should span the drag when %s, inside the canvas', (_name, start, end, rect) => {
    expect(dragRect(start, end, bounds)).toEqual(rect)
  })

  it('should take a tap or a thin stroke for no area', () => {
    expect(dragRect({ x: 5, y: 5 }, { x: 7, y: 60 }, bounds)).toBeNull()
    expect(dragRect({ x: 5, y: 5 }, { x: 60, y: 8 }, bounds)).toBeNull()
  })

  it('should grow an area outwards to whole image pixels when the image is larger than shown', () => {
    const shown = { width: 300, height: 400 }
    const image = { width: 1000, height: 1333 }
    const rect = toImageRect({ x: 10.5, y: 20.2, w: 100, h: 40 }, shown, image)
    expect(rect.x).toBe(35)
    expect(rect.y).toBe(67)
    // The covered image area contains the drawn one, scaled.
    expect(rect.x + rect.w).toBeGreaterThanOrEqual(((10.5 + 100) * 1000) / 300)
    expect(rect.y + rect.h).toBeGreaterThanOrEqual(((20.2 + 40) * 1333) / 400)
    expect(toImageRect({ x: 290, y: 390, w: 10, h: 10 }, shown, image)).toMatchObject({
      x: 966,
      w: 34,
      h: 1333 - 1299,
    })
  })

  it('should fit a wide image to the screen width without enlarging a small one', () => {
    expect(fitWidth({ width: 1200, height: 1600 }, 300)).toEqual({ width: 300, height: 400 })
    expect(fitWidth({ width: 200, height: 100 }, 300)).toEqual({ width: 200, height: 100 })
  })
})

describe('which receipt dates can be claimed', () => {
  it.each([
    ['2024-06-18', '2024-06-20', true],
    ['2024-06-20', '2024-06-20', true],
    ['2024-05-21', '2024-06-20', true],
    ['2024-05-20', '2024-06-20', false],
    ['2024-06-21', '2024-06-20', false],
    ['2024-02-30', '2024-06-20', false],
  ])('should answer %s on %s: %s', (date, today, expected) => {
    expect(claimableDate(date, today)).toBe(expected)
  })
})
