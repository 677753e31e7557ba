import { existsSync, readdirSync, readFileSync } from 'node:fs'
import Module, { createRequire } from 'node:module'
import path from 'node:path'

import type { FunctionLoader, FunctionModule } from '../runtime'

const FUNCTION_NAME = /^[a-z][a-z0-9_-]{0,63}$/

export interface FoundFunctions {
  /** Functions with a built bundle (`<name>/index.js`). */
  built: string[]
  /** Functions with sources (`<name>/index.ts`) but no bundle yet. */
  unbuilt: string[]
}

/** Each deployable function is a folder with an `index.ts`; `common/` and friends have none. */
export function findFunctions(root: string): FoundFunctions {
  const built: string[] = []
  const unbuilt: string[] = []
  if (!existsSync(root)) return { built, unbuilt }
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || !FUNCTION_NAME.test(entry.name)) continue
    const dir = path.join(root, entry.name)
    if (existsSync(path.join(dir, 'index.js'))) built.push(entry.name)
    else if (existsSync(path.join(dir, 'index.ts'))) unbuilt.push(entry.name)
  }
  return { built: built.sort(), unbuilt: unbuilt.sort() }
}

/**
 * The functions whose `config.json` says `"httpAccess": true`: the ones a deployment exposes
 * through CloudBase's HTTP access service (docs/deployment.md), for callers outside WeChat.
 */
export function httpAccessFunctions(root: string, names: readonly string[]): string[] {
  return names.filter((name) => {
    const file = path.join(root, name, 'config.json')
    if (!existsSync(file)) return false
    const config = JSON.parse(readFileSync(file, 'utf8')) as { httpAccess?: unknown }
    return config.httpAccess === true
  })
}

/**
 * What `require('wx-server-sdk')` answers inside a function: the stand-in's exports as a plain
 * CommonJS object, as the real package is (no `__esModule`), so both `import cloud from` and
 * `import * as cloud from` behave as they do in the cloud.
 */
export function asCommonJs(namespace: Record<string, unknown>): Record<string, unknown> {
  const named = Object.keys(namespace).filter((k) => k !== 'default' && k !== '__esModule')
  if (named.length === 0 && typeof namespace.default === 'object' && namespace.default !== null) {
    return namespace.default as Record<string, unknown>
  }
  const exports: Record<string, unknown> = {}
  for (const key of named) {
    Object.defineProperty(exports, key, { enumerable: true, get: () => namespace[key] })
  }
  return exports
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown

/**
 * Makes exactly `wx-server-sdk` resolve to the stand-in for everything required from now on.
 * The function bundles keep the real name (the cloud installs the real package), so the swap
 * happens here, at load time. Returns a function that removes the hook.
 */
export function aliasWxServerSdk(standIn: unknown): () => void {
  const loader = Module as unknown as { _load: Load }
  const original = loader._load
  loader._load = function (request, parent, isMain) {
    if (request === 'wx-server-sdk') return standIn
    return original.call(this, request, parent, isMain)
  }
  return () => {
    loader._load = original
  }
}

/** Requires each built function's bundle; answers loaders for createLocalCloud(). */
export function loadFunctions(root: string, names: readonly string[]): Record<string, FunctionLoader> {
  const load = createRequire(path.join(path.resolve(root), 'noop.js'))
  const loaders: Record<string, FunctionLoader> = {}
  for (const name of names) {
    const mod = load(path.join(path.resolve(root), name, 'index.js')) as Partial<FunctionModule>
    if (typeof mod.main !== 'function') throw new Error(`cloudfunctions/${name}/index.js exports no main()`)
    loaders[name] = () => mod as FunctionModule
  }
  return loaders
}
