import { CHANNEL_KINDS, CODE_ALPHABET, CODE_MAX, CODE_MIN, type ChannelKind } from '@/domain/channel/model'
import { SCENE_CHARS, SCENE_MAX, decodeScene, encodeScene, sceneOfQuery } from '@/domain/channel/scene'

/** A small seeded generator (mulberry32), so a failing case can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(next: () => number, items: readonly T[] | string): T =>
  items[Math.floor(next() * items.length)] as T

function randomCode(next: () => number): string {
  const length = CODE_MIN + Math.floor(next() * (CODE_MAX - CODE_MIN + 1))
  return Array.from({ length }, () => pick<string>(next, CODE_ALPHABET)).join('')
}

describe('encodeScene / decodeScene', () => {
  it('writes the kind and the short id', () => {
    expect(encodeScene({ kind: 'counter', code: '8Xk2' })).toBe('k=g&c=8Xk2')
    expect(decodeScene('k=g&c=8Xk2')).toEqual({ ok: true, data: { kind: 'counter', code: '8Xk2' } })
  })

  it('round-trips every kind and code, within WeChat’s length and characters (1000 random channels)', () => {
    const next = random(20261207)
    for (let i = 0; i < 1000; i++) {
      const ref = { kind: pick<ChannelKind>(next, CHANNEL_KINDS), code: randomCode(next) }
      const scene = encodeScene(ref)
      expect(scene.length).toBeLessThanOrEqual(SCENE_MAX)
      expect(scene).toMatch(SCENE_CHARS)
      expect(decodeScene(scene)).toEqual({ ok: true, data: ref })
    }
  })

  it('gives every kind its own letter', () => {
    const scenes = CHANNEL_KINDS.map((kind) => encodeScene({ kind, code: 'abcd' }))
    expect(new Set(scenes).size).toBe(CHANNEL_KINDS.length)
  })

  it.each([
    [''],
    ['k=g'],
    ['c=8Xk2'],
    ['k=x&c=8Xk2'],
    ['k=g&c=8Xk'],
    ['k=g&c=8Xk2abcde'],
    ['k=g&c=8Xk0'],
    ['k=g&c=8XkI'],
    ['k=g&c=8Xk2&p=13812345678'],
    ['c=8Xk2&k=g'],
    ['k=G&c=8Xk2'],
    [' k=g&c=8Xk2'],
    ['k=g&c=8Xk%32'],
    ['k=g&c=兰蔻'],
    [`k=g&c=${'a'.repeat(40)}`],
  ])('refuses %p', (scene) => {
    expect(decodeScene(scene)).toMatchObject({ ok: false, code: 'SCENE_INVALID' })
  })

  it('refuses random text that is not a scene (1000 random strings)', () => {
    const next = random(7)
    const chars = "0123456789ABCDEFabcdefgkc=&!#$'()*+,/:;?@-._~中 %"
    for (let i = 0; i < 1000; i++) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () => pick<string>(next, chars)).join('')
      const decoded = decodeScene(text)
      if (decoded.ok) expect(encodeScene(decoded.data)).toBe(text)
    }
  })

  it('refuses to encode a code outside the alphabet or the length', () => {
    expect(() => encodeScene({ kind: 'poster', code: 'abc' })).toThrow()
    expect(() => encodeScene({ kind: 'poster', code: 'abcdefghj' })).toThrow()
    expect(() => encodeScene({ kind: 'poster', code: 'ab0d' })).toThrow()
    expect(() => encodeScene({ kind: 'nope' as ChannelKind, code: 'abcd' })).toThrow()
  })
})

describe('sceneOfQuery', () => {
  it('URL-decodes the scene WeChat passes to the page', () => {
    expect(sceneOfQuery(encodeURIComponent('k=g&c=8Xk2'))).toBe('k=g&c=8Xk2')
    expect(sceneOfQuery('k=g&c=8Xk2')).toBe('k=g&c=8Xk2')
  })

  it('answers nothing for an absent or broken parameter, or a scene that is not ours', () => {
    expect(sceneOfQuery(undefined)).toBeUndefined()
    expect(sceneOfQuery('')).toBeUndefined()
    expect(sceneOfQuery('%E0%A4%A')).toBeUndefined()
    expect(sceneOfQuery(encodeURIComponent('m=abc123'))).toBeUndefined()
    expect(sceneOfQuery(encodeURIComponent('k=g&c=8Xk2&x=1'))).toBeUndefined()
  })
})
