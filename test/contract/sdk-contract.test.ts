/**
 * Contract test: the same database calls through local-cloud's in-process stand-in (the real
 * SDK code with its transport replaced, as the function tests use it) and through the real,
 * unpatched wx-server-sdk in a child process talking CloudBase's wire protocol over HTTP to
 * local-cloud/wire-server.ts. Outcomes — values, errCodes, errMsgs — must be identical, so an
 * upgrade of wx-server-sdk that changes what it sends or expects shows up here.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { build } from 'esbuild'

import type { Manifest } from '../../local-cloud/manifest'
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { startWireServer, type WireServer } from '../../local-cloud/wire-server'
import { CONTRACT_COLLECTIONS, RESULT_MARKER, runContract, type CaseResult } from './cases'

const ROOT = path.resolve(__dirname, '../..')
const SECRET_ID = 'contract-dummy-secret-id'
const manifest: Manifest = { collections: CONTRACT_COLLECTIONS }

let workDir: string
let childBundle: string
let bundledInputs: string[] = []

beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'contract-'))
  childBundle = path.join(workDir, 'child.cjs')
  const result = await build({
    entryPoints: [path.join(__dirname, 'child.ts')],
    outfile: childBundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Every package, wx-server-sdk included, is required from node_modules at run time.
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  })
  bundledInputs = Object.keys(result.metafile?.inputs ?? {})
}, 30_000)

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true })
})

/** Runs the child with the real SDK pointed at `server`; answers its outcomes. */
function runChild(server: WireServer): Promise<CaseResult[]> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_PATH: path.join(ROOT, 'node_modules'),
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: server.url }),
      TENCENTCLOUD_SECRETID: SECRET_ID,
      TENCENTCLOUD_SECRETKEY: 'contract-dummy-secret-key',
      SILENCE: 'true',
    }
    const child = spawn(process.execPath, [childBundle], { cwd: ROOT, env: env as NodeJS.ProcessEnv })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER))
      if (code !== 0 || !line) {
        reject(new Error(`contract child exited ${code}:\n${stderr}\n${stdout}`))
        return
      }
      resolve(JSON.parse(line.slice(RESULT_MARKER.length)) as CaseResult[])
    })
  })
}

describe('wx-server-sdk contract: local-cloud in-process vs the real SDK over HTTP', () => {
  let inProcess: CaseResult[]
  let overHttp: CaseResult[]
  let served: Map<string, number>

  beforeAll(async () => {
    const local = createLocalCloud({ manifest })
    try {
      // JSON round trip: the child's results cross a pipe as JSON too.
      inProcess = JSON.parse(JSON.stringify(await runContract(local))) as CaseResult[]
    } finally {
      local.close()
    }

    let remote: LocalCloud | undefined
    let server: WireServer | undefined
    try {
      remote = createLocalCloud({ manifest })
      const cloud = remote
      server = await startWireServer((action, params) => cloud.wire(action, params), { secretId: SECRET_ID })
      overHttp = await runChild(server)
      served = server.requests
    } finally {
      await server?.close()
      remote?.close()
    }
  }, 60_000)

  it('should bundle nothing of local-cloud into the child', () => {
    expect(bundledInputs.length).toBeGreaterThan(0)
    expect(bundledInputs.filter((input) => !input.startsWith('test/contract/'))).toEqual([])
  })

  it('should have reached the wire server for every database action', () => {
    expect([...served.keys()].sort()).toEqual([
      'database.abortTransaction',
      'database.aggregateDocuments',
      'database.calculateDocument',
      'database.commitTransaction',
      'database.getDocument',
      'database.insertDocument',
      'database.modifyDocument',
      'database.removeDocument',
      'database.startTransaction',
    ])
  })

  it('should run the same cases in both', () => {
    expect(overHttp.map((r) => r.name)).toEqual(inProcess.map((r) => r.name))
  })

  it.each(Array.from({ length: 31 }, (_v, i) => i))('case %i: identical outcome', (i) => {
    // Note: the case count is fixed here so that a lost case fails instead of vanishing.
    expect(inProcess[i]).toBeDefined()
    expect({ name: overHttp[i]?.name, outcome: overHttp[i]?.outcome }).toEqual(inProcess[i])
  })

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- outcomes are JSON
  const outcome = (name: string) => inProcess.find((r) => r.name === name)?.outcome as Record<string, any>

  it.each([
    ['error: collection does not exist (-502005)', -502005],
    ['error: update _id (-501007)', -501007],
    ['error: duplicate _id (-502001)', -502001],
    ['error: duplicate unique index value', -502001],
    ['error: update through a string (-502001)', -502001],
    ['error: NaN (-501007)', -501007],
  ])('should answer %s with errCode %i', (name, errCode) => {
    expect(outcome(name).error.errCode).toBe(errCode)
  })

  it('should flatten nested objects in where() and merge them in update()', () => {
    const nested = outcome('where: nested object flattens').value.data.map((d: { _id: string }) => d._id)
    expect(nested).toEqual(['a1', 'c3'])
    const [, after] = outcome('doc().update(): inc, nested merge, push').value
    expect(after.data.p).toEqual({ level: 2, name: 'alpha2' })
    expect(after.data.price).toBe(15)
  })

  it('should fail doc().get() of a missing document unless throwOnNotFound is false', () => {
    expect(outcome('error: doc().get() not found (throwOnNotFound default)').error.isError).toBe(true)
    expect(outcome('doc().get() not found with throwOnNotFound: false').value.data).toBeNull()
  })

  it('should store serverDate as the server time', () => {
    expect(outcome('serverDate').value).toMatchObject({ isDate: true, nearNow: true })
    expect(outcome('serverDate with offset in update').value).toEqual({ aheadAboutAnHour: true })
  })

  it('should fail a write to a document another transaction holds at once, without a retry by the SDK', () => {
    const [runs, conflict, account] = outcome(
      'transaction: a write to a document another transaction holds fails at once',
    ).value
    expect(runs).toBe(1)
    expect(conflict).toMatchObject({
      errCode: -501001,
      errMsg: expect.stringContaining('[ResourceUnavailable.TransactionConflict]'),
    })
    expect(account.data.balance).toBe(75)
  })

  it('should commit a transaction and leave a rolled-back one without effect', () => {
    const [before, account] = outcome('transaction: runTransaction commits').value
    expect(before).toBe(100)
    expect(account.data.balance).toBe(70)
    const [rejected, unchanged] = outcome('transaction: rollback leaves nothing').value
    expect(rejected).toBe('insufficient')
    expect(unchanged.data.balance).toBe(70)
  })
})
