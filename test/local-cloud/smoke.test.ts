import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'

import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { startWireServer, type WireServer } from '../../local-cloud/wire-server'
import { renderSmoke } from '../../scripts/lib/smoke'

const root = path.resolve(__dirname, '../..')

/** Runs scripts/smoke.mjs with `args`, the credentials of the parent left out. */
function smoke(args: string[], env: Record<string, string> = {}) {
  const clean = { ...process.env }
  delete clean.TENCENTCLOUD_SECRETID
  delete clean.TENCENTCLOUD_SECRETKEY
  return spawnSync(process.execPath, [path.join(root, 'scripts/smoke.mjs'), ...args], {
    cwd: root,
    env: { ...clean, ...env },
    encoding: 'utf8',
  })
}

/** The printed table as check → cells. */
function tableOf(stdout: string): Map<string, string[]> {
  const rows = new Map<string, string[]>()
  for (const line of stdout.split('\n').slice(2)) {
    if (line.trim() === '') break
    const [check, ...cells] = line.split(' | ').map((cell) => cell.trim())
    rows.set(check, cells)
  }
  return rows
}

describe('npm run smoke -- --local (the live smoke test, local-cloud alone)', () => {
  let run: ReturnType<typeof smoke>
  beforeAll(() => {
    run = smoke(['--local'])
  }, 60_000)

  it('exits 0 and prints one column for local-cloud', () => {
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout.split('\n')[0]).toMatch(/^check\s+\| local-cloud$/)
  })

  it.each([
    ['add: a duplicate _id', 'fail -502001, addUnique sees a duplicate: yes'],
    [
      'transaction: a 2nd one writes a document the 1st holds (runTransaction)',
      'fail -501001, a conflict: yes, runs: 1',
    ],
    ['plain update of a document a transaction holds', 'waited for the commit, then applied, v = 11'],
    ['get() of 1001, no limit', '100 documents'],
    ['get() of 1001, limit(1000)', '1000 documents'],
    ['get() of 1001, limit(1001)', '1000 documents'],
    ['count() of 1001', '1001'],
    ['doc().get() of a missing document', 'fail -1'],
    ['… with throwOnNotFound: false', 'ok, data null'],
    ["update: dotted path through null ('n.b')", 'fail -502001'],
    ['update: inc on a string', 'fail -502001'],
    ['update: push on a string', 'fail -502001'],
    ['add: NaN', 'fail -501007'],
    ['add: Infinity', 'fail -501007'],
  ])('%s → %s', (check, expected) => {
    expect(tableOf(run.stdout).get(check)).toEqual([expected])
  })

  it('prints the error texts under the table, and has nothing left behind locally', () => {
    expect(run.stdout).toContain(
      "update: dotted path through null ('n.b') — local-cloud: [FailedOperation] Cannot create field 'b' in element {n: null}",
    )
    expect(run.stdout).not.toContain('Left behind')
  })
})

describe('npm run smoke: options', () => {
  it.each([
    ['nothing', [], 'give either --env <env id> or --local'],
    ['both', ['--local', '--env', 'e1'], 'give either --env <env id> or --local'],
    ['--env without credentials', ['--env', 'e1'], 'set TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY'],
    ['a collection name that is not one', ['--local', '--collection', 'a b'], '--collection must be'],
  ])('refuses %s with exit 2', (_case, args, message) => {
    const result = smoke(args)
    expect([result.status, result.stderr]).toEqual([2, expect.stringContaining(message)])
  })
})

describe('npm run smoke -- --env (the live path, pointed at local-cloud over HTTP)', () => {
  let remote: LocalCloud
  let server: WireServer
  beforeAll(async () => {
    remote = createLocalCloud()
    const cloud = remote
    server = await startWireServer((action, params) => cloud.wire(action, params), {
      secretId: 'smoke-dummy-id',
    })
  })
  afterAll(async () => {
    await server.close()
    remote.close()
  })

  it('compares two columns and exits 0 when they answer alike; the scratch collection stays, empty', async () => {
    const env = {
      ...process.env,
      TCB_CONTEXT_CNFG: JSON.stringify({ URL: server.url }),
      TENCENTCLOUD_SECRETID: 'smoke-dummy-id',
      TENCENTCLOUD_SECRETKEY: 'smoke-dummy-key',
    }
    // Asynchronously: this process answers the child's requests meanwhile.
    const { status, stdout } = await new Promise<{ status: number | null; stdout: string }>(
      (resolve, reject) => {
        const child = spawn(process.execPath, [path.join(root, 'scripts/smoke.mjs'), '--env', 'e1'], {
          cwd: root,
          env,
        })
        let out = ''
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
        child.on('error', reject)
        child.on('close', (code) => resolve({ status: code, stdout: out }))
      },
    )
    expect(stdout.split('\n')[0]).toMatch(/^check\s+\| CloudBase e1\s+\| local-cloud\s+\| same$/)
    const table = tableOf(stdout)
    expect(table.get('add: a duplicate _id')).toEqual([
      'fail -502001, addUnique sees a duplicate: yes',
      'fail -502001, addUnique sees a duplicate: yes',
      'yes',
    ])
    expect([...table.values()].every((cells) => cells[2] === 'yes')).toBe(true)
    expect(stdout).toContain('CloudBase and local-cloud answered alike.')
    expect(stdout).toContain('CloudBase e1: the empty collection smoke_scratch (delete it in the console)')
    expect(status).toBe(0)
    expect(await remote.database().collection('smoke_scratch').count()).toMatchObject({ total: 0 })
  }, 60_000)
})

describe('renderSmoke', () => {
  it('marks a check that differs and says what to do', () => {
    const text = renderSmoke({
      targets: ['CloudBase e1', 'local-cloud'],
      collection: 'smoke_scratch',
      rows: [
        {
          check: 'add: NaN',
          outcomes: [{ key: 'ok, stored as NaN' }, { key: 'fail -501007', note: 'no NaN' }],
          same: false,
        },
        { check: 'count() of 1001', outcomes: [{ key: '1001' }, { key: '1001' }], same: true },
      ],
      leftovers: [],
    })
    expect(tableOf(text)).toEqual(
      new Map([
        ['add: NaN', ['ok, stored as NaN', 'fail -501007', 'NO']],
        ['count() of 1001', ['1001', '1001', 'yes']],
      ]),
    )
    expect(text).toContain('add: NaN — local-cloud: no NaN')
    expect(text).toContain('1 check(s) differ')
  })
})
