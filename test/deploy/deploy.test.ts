/**
 * `npm run deploy -- --dry-run`: prints the plan (functions, permissions, triggers, variable
 * names — never values) and compiles the built mini-program with WeChat's compiler offline, which
 * fails on a broken build. Runs on a temporary copy of dist/ (built by `npm test` first).
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// WeChat's compiler takes seconds, more on a busy machine.
jest.setTimeout(120_000)

const ROOT = path.resolve(__dirname, '../..')
const DIST = path.join(ROOT, 'dist')
const SECRET = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1wcmludA=='

interface Run {
  status: number | null
  stdout: string
  stderr: string
  ms: number
}

function deploy(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/deploy.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, PI_MASTER_KEY: SECRET, PI_INDEX_KEY: SECRET, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started }))
  })
}

let temp: string
let good: string
let broken: string

beforeAll(() => {
  if (!existsSync(path.join(DIST, 'app.json')))
    throw new Error('dist/ is not built: npm run build:weapp first')
  temp = mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'))
  good = path.join(temp, 'good')
  broken = path.join(temp, 'broken')
  cpSync(DIST, good, { recursive: true })
  cpSync(DIST, broken, { recursive: true })
  const appJson = path.join(broken, 'app.json')
  const app = JSON.parse(readFileSync(appJson, 'utf8'))
  app.pages.push('pages/missing/index')
  writeFileSync(appJson, JSON.stringify(app))
})

afterAll(() => rmSync(temp, { recursive: true, force: true }))

describe('npm run deploy -- --dry-run', () => {
  // Both compiler runs at once: each spends most of its time waiting on a forked compiler.
  let passing: Promise<Run>
  let failing: Promise<Run>
  beforeAll(() => {
    passing = deploy(['--dry-run', '--no-build', '--project-path', good], { TARO_APP_CLOUD_ENV: 'env-test' })
    failing = deploy(['--dry-run', '--no-build', '--project-path', broken])
  })

  test('should pass on the built mini-program and print the whole plan', async () => {
    const run = await passing
    expect(run.stderr).not.toMatch(/^deploy:/m)
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Dry run passed.')
    expect(run.stdout).toContain('Cloud functions → environment env-test')
    for (const name of ['member', 'scheduler'])
      expect(run.stdout).toMatch(new RegExp(`^  ${name}: index\\.js`, 'm'))
    expect(run.stdout).toContain('trigger sweep: timer "0 */10 * * * * *"')
    expect(run.stdout).toMatch(/environment variables it reads.*PI_MASTER_KEY/)
    expect(run.stdout).toContain('cloudbase.sendSms')
  })

  test('should fail on a build whose app.json names a missing page', async () => {
    const run = await failing
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('the mini-program does not compile: [10005]')
    expect(run.stderr).toContain('pages/missing/index')
  })

  test('should never print a key value', async () => {
    for (const run of [await passing, await failing]) expect(run.stdout + run.stderr).not.toContain(SECRET)
  })
})

describe('npm run deploy without --dry-run', () => {
  test('should refuse to start without an appid, an upload key and an environment', async () => {
    const run = await deploy(['--no-build'], {
      TARO_APP_ID: '',
      MP_PRIVATE_KEY_PATH: '',
      CLOUD_ENV_ID: '',
      TARO_APP_CLOUD_ENV: '',
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('the appid (--appid or TARO_APP_ID)')
    expect(run.stderr).toContain('the code-upload key')
    expect(run.stderr).toContain('the environment id')
  })

  test('should refuse the placeholder appid', async () => {
    const run = await deploy([
      '--no-build',
      '--only',
      'weapp',
      '--appid',
      'touristappid',
      '--private-key',
      __filename,
    ])
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('missing the appid')
  })
})
