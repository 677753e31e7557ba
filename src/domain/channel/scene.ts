/**
 * The scene of a channel's mini-program code (`wxacode.getUnlimited`): `k=<kind>&c=<code>`, e.g.
 * `k=g&c=8Xk2`. WeChat allows at most 32 visible characters of
 * `[0-9A-Za-z!#$&'()*+,/:;=?@-._~]`; ours stay far below and never carry personal data.
 */
import { fail, ok, type Result } from '../errors'
import { CODE_ALPHABET, CODE_MAX, CODE_MIN, KIND_CODES, type ChannelKind, type ChannelRef } from './model'

export const SCENE_MAX = 32

/** Characters WeChat accepts in a scene. */
export const SCENE_CHARS = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]*$/

const KIND_BY_CODE = new Map<string, ChannelKind>(
  Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as ChannelKind]),
)

/** Whether `code` is a channel's short id. */
export function isChannelCode(code: string): boolean {
  return (
    code.length >= CODE_MIN && code.length <= CODE_MAX && [...code].every((ch) => CODE_ALPHABET.includes(ch))
  )
}

export function encodeScene({ kind, code }: ChannelRef): string {
  if (!(kind in KIND_CODES) || !isChannelCode(code)) throw new Error(`not a channel: ${kind} ${code}`)
  return `k=${KIND_CODES[kind]}&c=${code}`
}

/** The channel a scene names; SCENE_INVALID for anything else. */
export function decodeScene(text: string): Result<ChannelRef> {
  if (text.length > SCENE_MAX || !SCENE_CHARS.test(text)) return fail('SCENE_INVALID')
  const match = /^k=([a-z])&c=([0-9A-Za-z]+)$/.exec(text)
  const kind = match ? KIND_BY_CODE.get(match[1]) : undefined
  if (!match || kind === undefined || !isChannelCode(match[2])) return fail('SCENE_INVALID')
  return ok({ kind, code: match[2] })
}

/**
 * The scene as a page receives it: WeChat passes it URL-encoded in the `scene` query parameter.
 * Undefined when absent, not decodable or not one of our scenes.
 */
export function sceneOfQuery(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined
  let scene: string
  try {
    scene = decodeURIComponent(raw)
  } catch {
    return undefined
  }
  return decodeScene(scene).ok ? scene : undefined
}

/**
 * What follows `prefix` in a page's `scene` query parameter (URL-encoded by WeChat), for scenes
 * that are not channels (`k=i&c=` invites, `k=c&c=` campaigns); null when absent or another scene.
 */
export function sceneValueOfQuery(raw: string | undefined, prefix: string): string | null {
  if (!raw) return null
  let scene: string
  try {
    scene = decodeURIComponent(raw)
  } catch {
    return null
  }
  return scene.startsWith(prefix) ? scene.slice(prefix.length) : null
}
