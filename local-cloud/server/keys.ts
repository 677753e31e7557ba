import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The identity vault's keys and the audit log's signing key. In production they are environment
 * variables of each function; locally they are generated once into the data directory. The
 * environment wins when set.
 */
export const SECRET_KEYS = ['PI_MASTER_KEY', 'PI_INDEX_KEY', 'AUDIT_SIGNING_KEY'] as const
export const KEY_ID = 'PI_MASTER_KEY_ID'
export type KeyName = (typeof SECRET_KEYS)[number] | typeof KEY_ID
export type Keys = Record<KeyName, string>

export const KEYS_FILE = 'keys.json'

export interface KeysReport {
  keys: Keys
  file: string
  /** Names generated now (written to the file). */
  generated: KeyName[]
  /** Names taken from the environment. */
  fromEnv: KeyName[]
}

/** A random 32-byte key in base64: what the README tells operators to generate. */
export const newKey = () => randomBytes(32).toString('base64')

export function isValidKey(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, 'base64').length === 32
}

/**
 * Resolves the keys from the environment, then `<dataDir>/keys.json`, generating what is
 * missing. Throws with a readable message when a key is malformed.
 */
export function resolveKeys(dataDir: string, env: NodeJS.ProcessEnv = process.env): KeysReport {
  const file = path.join(dataDir, KEYS_FILE)
  const saved: Partial<Keys> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
  const names: KeyName[] = [...SECRET_KEYS, KEY_ID]
  const generated: KeyName[] = []
  const fromEnv: KeyName[] = []
  const keys = {} as Keys

  for (const name of names) {
    const fromEnvironment = env[name]
    if (fromEnvironment) {
      keys[name] = fromEnvironment
      fromEnv.push(name)
    } else if (typeof saved[name] === 'string' && saved[name]) {
      keys[name] = saved[name] as string
    } else {
      keys[name] = name === KEY_ID ? `local-${randomBytes(4).toString('hex')}` : newKey()
      generated.push(name)
    }
  }
  for (const name of SECRET_KEYS) {
    if (!isValidKey(keys[name])) {
      const where = fromEnv.includes(name) ? 'the environment' : file
      throw new Error(`${name} from ${where} is not 32 bytes in base64`)
    }
  }
  if (generated.length > 0) {
    const toSave = { ...saved }
    for (const name of generated) toSave[name] = keys[name]
    writeFileSync(file, JSON.stringify(toSave, null, 2) + '\n', { mode: 0o600 })
  }
  return { keys, file, generated, fromEnv }
}
