import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildSync } from 'esbuild'
import { findFunctions, loadFunctions } from '../../../local-cloud/server/functions'
import { isValidKey, newKey, resolveKeys } from '../../../local-cloud/server/keys'
import { createSessionStore, SESSION_IDLE_MS } from '../../../local-cloud/server/sessions'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lc-boot-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv

describe('local keys', () => {
  it('should generate random 32-byte keys into keys.json when there are none', () => {
    const report = resolveKeys(dir, env({}))
    expect(report.generated.sort()).toEqual([
      'AUDIT_SIGNING_KEY',
      'PI_INDEX_KEY',
      'PI_MASTER_KEY',
      'PI_MASTER_KEY_ID',
    ])
    expect(isValidKey(report.keys.PI_MASTER_KEY)).toBe(true)
    expect(isValidKey(report.keys.PI_INDEX_KEY)).toBe(true)
    expect(report.keys.PI_MASTER_KEY).not.toBe(report.keys.PI_INDEX_KEY)
    expect(JSON.parse(readFileSync(report.file, 'utf8'))).toEqual(report.keys)
    expect(statSync(report.file).mode & 0o077).toBe(0)
  })

  it('should reuse keys.json when started again', () => {
    const first = resolveKeys(dir, env({}))
    const second = resolveKeys(dir, env({}))
    expect(second.keys).toEqual(first.keys)
    expect(second.generated).toEqual([])
  })

  it('should prefer the environment and never write it to disk when a key is set there', () => {
    const fromEnv = newKey()
    const report = resolveKeys(dir, env({ PI_MASTER_KEY: fromEnv, PI_MASTER_KEY_ID: 'k-2026' }))
    expect(report.keys.PI_MASTER_KEY).toBe(fromEnv)
    expect(report.keys.PI_MASTER_KEY_ID).toBe('k-2026')
    expect(report.fromEnv.sort()).toEqual(['PI_MASTER_KEY', 'PI_MASTER_KEY_ID'])
    expect(readFileSync(report.file, 'utf8')).not.toContain(fromEnv)
  })

  it.each([['short'], [Buffer.alloc(16).toString('base64')], ['x'.repeat(44)]])(
    'should refuse a malformed key when the environment gives %s',
    (value) => {
      expect(() => resolveKeys(dir, env({ PI_INDEX_KEY: value }))).toThrow(/PI_INDEX_KEY .* not 32 bytes/)
    },
  )
})

describe('sessions', () => {
  it('should keep sessions across restarts when given a file', () => {
    const file = path.join(dir, 'sessions.sqlite')
    const before = createSessionStore({ staff: { counter: 'c' }, file })
    const { id, session } = before.create()
    before.switchPersona(id, 'counter')
    before.close()
    const after = createSessionStore({ staff: { counter: 'c' }, file })
    expect(after.get(id)).toEqual({ persona: 'counter', openid: 'c' })
    expect(after.switchPersona(id, 'shopper')).toEqual(session)
    after.close()
  })

  it('should keep every session a browser uses when 1,001 more are started', () => {
    const store = createSessionStore({ staff: {}, file: path.join(dir, 'sessions.sqlite') })
    const first = store.create()
    for (let i = 0; i < 1001; i++) store.create()
    expect(store.get(first.id)).toEqual(first.session)
    store.close()
  })

  it('should forget a session unused for 30 days, and not one used within them', () => {
    let now = Date.parse('2024-06-15T02:00:00.000Z')
    const store = createSessionStore({ staff: {}, now: () => now })
    const idle = store.create()
    const used = store.create()
    now += SESSION_IDLE_MS - 3600_000
    expect(store.get(used.id)).toEqual(used.session)
    now += 2 * 3600_000
    expect(store.get(idle.id)).toBeUndefined()
    expect(store.get(used.id)).toEqual(used.session)
    store.close()
  })

  it('should take over the sessions of an older version’s JSON file', () => {
    const legacyFile = path.join(dir, 'sessions.json')
    writeFileSync(
      legacyFile,
      JSON.stringify({ sessions: { abc: { persona: 'shopper', shopperOpenid: 'oOld' } } }),
    )
    const store = createSessionStore({ staff: {}, file: path.join(dir, 'sessions.sqlite'), legacyFile })
    expect(store.get('abc')).toEqual({ persona: 'shopper', openid: 'oOld' })
    expect(existsSync(legacyFile)).toBe(false)
    store.close()
  })
})

describe('function loading', () => {
  const writeFunction = (name: string, source: string) => {
    mkdirSync(path.join(dir, name), { recursive: true })
    writeFileSync(path.join(dir, name, 'index.js'), source)
  }

  it('should find built functions and report unbuilt ones', () => {
    writeFunction('member', 'exports.main = async () => 1')
    mkdirSync(path.join(dir, 'points'))
    writeFileSync(path.join(dir, 'points', 'index.ts'), '')
    mkdirSync(path.join(dir, 'common'))
    writeFileSync(path.join(dir, 'common', 'db.ts'), '')
    expect(findFunctions(dir)).toEqual({ built: ['member'], unbuilt: ['points'] })
  })

  // Note: jest has its own module loader (and maps wx-server-sdk itself), so the require hook is
  // checked in a plain node process, on an esbuild bundle of the module as npm start uses it.
  it('should give a bundle the stand-in when it requires exactly wx-server-sdk', () => {
    writeFunction(
      'probe',
      `const sdk = require('wx-server-sdk')
       let other = 'resolved'
       try { require('wx-server-sdk-extra') } catch { other = 'missing' }
       exports.main = async () => ({ marker: sdk.marker, esModule: sdk.__esModule, other })`,
    )
    buildSync({
      entryPoints: [path.join(__dirname, '../../../local-cloud/server/functions.ts')],
      outfile: path.join(dir, 'functions.cjs'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      logLevel: 'error',
    })
    const script = `
      const f = require(${JSON.stringify(path.join(dir, 'functions.cjs'))})
      f.aliasWxServerSdk(f.asCommonJs({ marker: 'stand-in', default: {} }))
      f.loadFunctions(${JSON.stringify(dir)}, ['probe']).probe().main({}, {})
        .then((r) => process.stdout.write(JSON.stringify(r)))`
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    expect(JSON.parse(out)).toEqual({ marker: 'stand-in', other: 'missing' })
  })

  it('should refuse a bundle when it exports no main', () => {
    writeFunction('empty', 'exports.handler = 1')
    expect(() => loadFunctions(dir, ['empty'])).toThrow(/exports no main/)
  })
})
