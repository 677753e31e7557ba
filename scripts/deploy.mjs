#!/usr/bin/env node
/**
 * npm run deploy — uploads the mini-program and the cloud functions with miniprogram-ci
 * (docs/deployment.md).
 *
 *   npm run deploy -- --dry-run      what it would do, offline; compiles dist/ as a real gate
 *   npm run deploy                   build, upload the mini-program, upload + deploy every function
 *   options:
 *     --appid ID            default TARO_APP_ID
 *     --private-key PATH    default MP_PRIVATE_KEY_PATH (the code-upload key from the admin console)
 *     --env ID              CloudBase environment, default CLOUD_ENV_ID, then TARO_APP_CLOUD_ENV
 *     --version X.Y.Z       default MP_VERSION, then package.json's version
 *     --desc TEXT           default MP_DESC, then "mall-membership <version>"
 *     --robot N             CI robot 1–30 (default MP_ROBOT or 1)
 *     --only weapp|functions
 *     --functions a,b       only these functions
 *     --project-path DIR    the built mini-program (default dist/)
 *     --no-build            use dist/ and cloudfunctions/<name>/index.js as they are
 *   DEPLOY_VERBOSE=1 prints miniprogram-ci's own log when the dry-run compile fails.
 *
 * Functions are never created here: miniprogram-ci would create a missing one on the Nodejs8.9
 * runtime, which wx-server-sdk 4 cannot run on. Create each function first (console, Node.js 16
 * or later); deploy checks that it exists and its runtime before uploading code.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { ROOT } from './lib/builds.mjs'

const require = createRequire(import.meta.url)
const FUNCTIONS_DIR = path.join(ROOT, 'cloudfunctions')
const NOT_FUNCTIONS = new Set(['common'])
const MIN_NODE_RUNTIME = 16
const TRIGGER_CREATED = '创建定时触发器成功'
// Seconds, minutes, hours, day of month, month, day of week, year (CloudBase timer triggers, UTC+8).
const CRON_FIELDS = 7
const WEEKDAY = /^(\*|\?|(MON|TUE|WED|THU|FRI|SAT|SUN)([-,](MON|TUE|WED|THU|FRI|SAT|SUN))*)$/
// Variables the platform itself sets: not ours to configure.
const PLATFORM_ENV = /^(TENCENTCLOUD_|SCF_|TCB_|WX_|NODE_|TZ$)/

class DeployError extends Error {}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'dry-run': { type: 'boolean' },
      appid: { type: 'string' },
      'private-key': { type: 'string' },
      env: { type: 'string' },
      version: { type: 'string' },
      desc: { type: 'string' },
      robot: { type: 'string' },
      only: { type: 'string' },
      functions: { type: 'string' },
      'project-path': { type: 'string' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  const version = values.version ?? process.env.MP_VERSION ?? pkg.version
  const robot = Number(values.robot ?? process.env.MP_ROBOT ?? 1)
  if (values.only && !['weapp', 'functions'].includes(values.only)) {
    throw new DeployError('--only must be weapp or functions')
  }
  if (!Number.isInteger(robot) || robot < 1 || robot > 30) throw new DeployError('--robot must be 1–30')
  return {
    help: Boolean(values.help),
    dryRun: Boolean(values['dry-run']),
    appid: values.appid ?? process.env.TARO_APP_ID ?? '',
    privateKeyPath: values['private-key'] ?? process.env.MP_PRIVATE_KEY_PATH ?? '',
    env: values.env ?? process.env.CLOUD_ENV_ID ?? process.env.TARO_APP_CLOUD_ENV ?? '',
    version,
    desc: values.desc ?? process.env.MP_DESC ?? `mall-membership ${version}`,
    robot,
    weapp: values.only !== 'functions',
    functions: values.only !== 'weapp',
    only: values.functions ? values.functions.split(',').map((s) => s.trim()) : undefined,
    projectPath: path.resolve(ROOT, values['project-path'] ?? 'dist'),
    build: !values['no-build'],
  }
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

// ---- the plan ------------------------------------------------------------------------------

function validateTriggers(name, triggers) {
  const problems = []
  const names = new Set()
  for (const [i, trigger] of triggers.entries()) {
    const where = `cloudfunctions/${name}/config.json triggers[${i}]`
    if (typeof trigger?.name !== 'string' || trigger.name === '') problems.push(`${where}: name is required`)
    if (names.has(trigger?.name)) problems.push(`${where}: duplicate name ${trigger.name}`)
    names.add(trigger?.name)
    if (trigger?.type !== 'timer') {
      problems.push(`${where}: type must be "timer" (HTTP access is bound in the console)`)
      continue
    }
    const fields = String(trigger.config ?? '')
      .trim()
      .split(/\s+/)
    if (fields.length !== CRON_FIELDS) {
      problems.push(`${where}: config needs ${CRON_FIELDS} fields (s m h d M w y), got ${fields.length}`)
    } else if (!WEEKDAY.test(fields[5])) {
      problems.push(`${where}: day of week "${fields[5]}" must be *, ? or MON–SUN names`)
    }
  }
  return problems
}

function envVariablesOf(bundle) {
  const names = new Set()
  for (const match of bundle.matchAll(/\benv\.([A-Z][A-Z0-9_]{2,})\b/g)) {
    if (!PLATFORM_ENV.test(match[1])) names.add(match[1])
  }
  return [...names].sort()
}

function functionPlan(name) {
  const dir = path.join(FUNCTIONS_DIR, name)
  const problems = []
  const config = existsSync(path.join(dir, 'config.json')) ? readJson(path.join(dir, 'config.json')) : {}
  const pkg = existsSync(path.join(dir, 'package.json')) ? readJson(path.join(dir, 'package.json')) : null
  if (!pkg) problems.push(`cloudfunctions/${name}/package.json is missing`)
  else if (!/^\d+\.\d+\.\d+$/.test(pkg.dependencies?.['wx-server-sdk'] ?? '')) {
    problems.push(`cloudfunctions/${name}/package.json must pin wx-server-sdk exactly`)
  }
  const bundleFile = path.join(dir, 'index.js')
  const bundle = existsSync(bundleFile) ? readFileSync(bundleFile, 'utf8') : ''
  if (!bundle) problems.push(`cloudfunctions/${name}/index.js is missing: npm run build:functions`)
  const openapi = config.permissions?.openapi ?? []
  if (!Array.isArray(openapi) || openapi.some((api) => !/^[a-zA-Z]+\.[a-zA-Z]+$/.test(api))) {
    problems.push(`cloudfunctions/${name}/config.json permissions.openapi must list "module.method" names`)
  }
  const triggers = Array.isArray(config.triggers) ? config.triggers : []
  problems.push(...validateTriggers(name, triggers))
  return {
    name,
    path: dir,
    bytes: bundle ? statSync(bundleFile).size : 0,
    dependencies: pkg?.dependencies ?? {},
    openapi,
    triggers,
    envVariables: envVariablesOf(bundle),
    problems,
  }
}

function functionNames(only) {
  const all = readdirSync(FUNCTIONS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !NOT_FUNCTIONS.has(e.name))
    .filter((e) => existsSync(path.join(FUNCTIONS_DIR, e.name, 'index.ts')))
    .map((e) => e.name)
    .sort()
  if (!only) return all
  const unknown = only.filter((name) => !all.includes(name))
  if (unknown.length > 0) throw new DeployError(`no such function: ${unknown.join(', ')}`)
  return only
}

function weappPlan(options) {
  const problems = []
  const appJson = path.join(options.projectPath, 'app.json')
  if (!existsSync(appJson)) {
    return { problems: [`${path.relative(ROOT, appJson)} is missing: npm run build:weapp`], pages: [] }
  }
  const app = readJson(appJson)
  const pages = [
    ...(app.pages ?? []),
    ...(app.subPackages ?? app.subpackages ?? []).flatMap((sub) =>
      (sub.pages ?? []).map((p) => `${sub.root}/${p}`),
    ),
  ]
  const distConfig = path.join(options.projectPath, 'project.config.json')
  const builtFor = existsSync(distConfig) ? readJson(distConfig).appid : undefined
  const rootAppid = readJson(path.join(ROOT, 'project.config.json')).appid
  const warnings = []
  if (options.appid && builtFor && builtFor !== options.appid) {
    problems.push(
      `the build in ${path.relative(ROOT, options.projectPath)} is for appid ${builtFor}: rebuild with TARO_APP_ID=${options.appid}`,
    )
  }
  if (options.appid && rootAppid !== options.appid) {
    warnings.push(
      `project.config.json (repository root, what DevTools opens) has appid ${rootAppid}, not ${options.appid}`,
    )
  }
  return { pages, builtFor, privacyCheck: app.__usePrivacyCheck__ === true, problems, warnings }
}

// ---- miniprogram-ci ------------------------------------------------------------------------

function loadCi() {
  try {
    return require('miniprogram-ci')
  } catch {
    throw new DeployError('miniprogram-ci is not installed: npm install')
  }
}

function ciProject(ci, options, { offline }) {
  const project = new ci.Project({
    appid: options.appid || 'touristappid',
    type: 'miniProgram',
    projectPath: options.projectPath,
    ...(offline ? { privateKey: 'dry-run' } : { privateKeyPath: options.privateKeyPath }),
    ignores: ['node_modules/**/*', '**/*.map'],
  })
  // Note: without this the compiler asks WeChat for the app's attributes (needs the key and network).
  if (offline) project.attr = async () => ci.DefaultProjectAttr
  return project
}

const SETTING = {
  es6: false,
  es7: false,
  minify: true,
  minifyWXML: true,
  minifyWXSS: true,
  autoPrefixWXSS: true,
}

/** The offline gate: WeChat's own compiler over the built mini-program. */
async function compileGate(ci, options) {
  const started = Date.now()
  // miniprogram-ci logs its offline fallbacks as errors with stacks: keep them for a failure.
  const log = []
  const saved = {}
  for (const level of ['log', 'info', 'warn', 'error']) {
    saved[level] = console[level]
    console[level] = (...args) => log.push(args.map(String).join(' '))
  }
  // Offline for certain: every request miniprogram-ci tries (it asks WeChat for the list of
  // allowed file types and falls back to its built-in list) goes to a closed local port and
  // fails at once, instead of waiting for DNS or reaching WeChat.
  ci.proxy('http://127.0.0.1:9')
  const project = ciProject(ci, options, { offline: true })
  try {
    const files = await ci.getCompiledResult({
      project,
      version: options.version,
      desc: options.desc,
      // Not minified: the gate is about validity, and minifying is most of its time.
      setting: { ...SETTING, minify: false, minifyWXML: false, minifyWXSS: false },
    })
    return { ok: true, files: Object.keys(files).length, ms: Date.now() - started }
  } catch (error) {
    return {
      ok: false,
      code: error.code,
      message: String(error.message ?? error),
      ms: Date.now() - started,
      log,
    }
  } finally {
    Object.assign(console, saved)
  }
}

/** Function info through miniprogram-ci's own cloud API client (it has no public "get"). */
async function functionInfo(project, env, name) {
  const cloudapi = require('miniprogram-ci/dist/ci/cloud/cloudapi')
  const cloudAPI = require('miniprogram-ci/dist/common/cloud-api')
  cloudapi.initCloudAPI((await project.getExtAppid()) || project.appid)
  const codeSecret = await cloudapi.get3rdCloudCodeSecret(project)
  try {
    return await cloudAPI.scfGetFunctionInfo(
      { namespace: env, region: '', functionName: name, codeSecret },
      { request: cloudapi.boundTransactRequest(project), transactType: cloudAPI.TransactType.IDE },
    )
  } catch (error) {
    if (error?.code === 'ResourceNotFound.Function') return null
    throw error
  }
}

const runtimeMajor = (runtime) => Number(/^Nodejs(\d+)/i.exec(String(runtime ?? ''))?.[1] ?? 0)
const triggerNames = (info) =>
  new Set((info?.triggers ?? info?.Triggers ?? []).map((t) => t.triggerName ?? t.TriggerName ?? t.name))

// ---- output --------------------------------------------------------------------------------

function printPlan(options, weapp, functions) {
  const mode = options.dryRun ? 'Dry run: nothing is uploaded.' : 'Deploying.'
  console.log(mode)
  if (options.weapp) {
    console.log(
      `\nMini-program → appid ${options.appid || '(TARO_APP_ID not set)'}, version ${options.version}`,
    )
    console.log(
      `  from ${path.relative(ROOT, options.projectPath) || '.'}/ (built for ${weapp.builtFor ?? '?'})`,
    )
    console.log(`  description: ${options.desc}; robot ${options.robot}`)
    console.log(`  pages: ${weapp.pages.join(', ')}`)
    console.log(`  privacy check (__usePrivacyCheck__): ${weapp.privacyCheck ? 'on' : 'off'}`)
  }
  if (options.functions) {
    console.log(`\nCloud functions → environment ${options.env || '(CLOUD_ENV_ID not set)'}`)
    for (const fn of functions) {
      console.log(
        `  ${fn.name}: index.js ${(fn.bytes / 1024).toFixed(1)} KB, remote npm install of ${Object.entries(
          fn.dependencies,
        )
          .map(([n, v]) => `${n}@${v}`)
          .join(', ')}`,
      )
      console.log(`    openapi permissions: ${fn.openapi.length ? fn.openapi.join(', ') : 'none'}`)
      for (const t of fn.triggers) console.log(`    trigger ${t.name}: ${t.type} "${t.config}" (UTC+8)`)
      console.log(
        `    environment variables it reads (set them in the console): ${fn.envVariables.join(', ') || 'none'}`,
      )
    }
  }
}

// ---- main ----------------------------------------------------------------------------------

function buildAll(options) {
  const steps = []
  if (options.functions) steps.push(['functions', [path.join(ROOT, 'scripts/build-functions.mjs')], {}])
  if (options.weapp) {
    const taro = path.join(ROOT, 'node_modules/@tarojs/cli/bin/taro')
    steps.push([
      'weapp',
      [taro, 'build', '--type', 'weapp'],
      options.appid ? { TARO_APP_ID: options.appid } : {},
    ])
  }
  for (const [label, args, env] of steps) {
    console.log(`Building ${label} …`)
    const result = spawnSync(process.execPath, args, {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    })
    if (result.status !== 0) throw new DeployError(`the ${label} build failed`)
  }
}

async function main() {
  const options = parseOptions(process.argv.slice(2))
  if (options.help) {
    console.log(
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('*/')[0]
        .replace(/^#!.*\n\/\*\*\n/, '')
        .replace(/^ \* ?/gm, ''),
    )
    return 0
  }
  if (!options.dryRun) {
    const missing = []
    if (!options.appid || options.appid === 'touristappid') missing.push('the appid (--appid or TARO_APP_ID)')
    if (!options.privateKeyPath) missing.push('the code-upload key (--private-key or MP_PRIVATE_KEY_PATH)')
    else if (!existsSync(options.privateKeyPath)) missing.push(`the key file ${options.privateKeyPath}`)
    if (options.functions && !options.env) missing.push('the environment id (--env or CLOUD_ENV_ID)')
    if (missing.length > 0) throw new DeployError(`missing ${missing.join('; ')}`)
  }
  if (options.build) buildAll(options)

  const weapp = options.weapp ? weappPlan(options) : { problems: [], warnings: [], pages: [] }
  const functions = options.functions ? functionNames(options.only).map(functionPlan) : []
  printPlan(options, weapp, functions)
  for (const warning of weapp.warnings ?? []) console.warn(`warning: ${warning}`)
  const problems = [...weapp.problems, ...functions.flatMap((fn) => fn.problems)]
  if (problems.length > 0) throw new DeployError(`\n  ${problems.join('\n  ')}`)

  const ci = loadCi()
  if (options.dryRun) {
    if (options.weapp) {
      console.log('\nCompiling the mini-program with miniprogram-ci (offline) …')
      const gate = await compileGate(ci, options)
      if (!gate.ok) {
        if (process.env.DEPLOY_VERBOSE) console.error(gate.log.join('\n'))
        throw new DeployError(`the mini-program does not compile: [${gate.code}] ${gate.message}`)
      }
      console.log(`Compiled ${gate.files} files in ${(gate.ms / 1000).toFixed(1)} s.`)
    }
    console.log('\nDry run passed.')
    return 0
  }

  const project = ciProject(ci, options, { offline: false })
  // Check every function before uploading anything: all or nothing is easier to reason about.
  const infos = new Map()
  for (const fn of functions) {
    const info = await functionInfo(project, options.env, fn.name)
    if (!info) {
      throw new DeployError(
        `function ${fn.name} does not exist in ${options.env}. Create it first in the console ` +
          `(云开发 → 云函数 → 新建, runtime Node.js ${MIN_NODE_RUNTIME} or later): miniprogram-ci would ` +
          'create it on Nodejs8.9, which wx-server-sdk 4 cannot run on.',
      )
    }
    if (runtimeMajor(info.runtime) < MIN_NODE_RUNTIME) {
      throw new DeployError(
        `function ${fn.name} runs on ${info.runtime}: recreate it on Node.js ${MIN_NODE_RUNTIME} or later`,
      )
    }
    infos.set(fn.name, info)
  }

  if (options.weapp) {
    console.log('\nUploading the mini-program …')
    const result = await ci.upload({
      project,
      version: options.version,
      desc: options.desc,
      robot: options.robot,
      setting: SETTING,
      onProgressUpdate: () => {},
    })
    const sizes = (result.subPackageInfo ?? []).map((p) => `${p.name} ${(p.size / 1024).toFixed(0)} KB`)
    console.log(`Uploaded version ${options.version}${sizes.length ? `: ${sizes.join(', ')}` : ''}.`)
  }
  for (const fn of functions) {
    console.log(`Uploading function ${fn.name} (dependencies installed in the cloud) …`)
    const { filesCount, packSize } = await ci.cloud.uploadFunction({
      project,
      env: options.env,
      name: fn.name,
      path: fn.path,
      remoteNpmInstall: true,
    })
    console.log(`  deployed: ${filesCount} files, ${(packSize / 1024).toFixed(1)} KB`)
    const existing = triggerNames(infos.get(fn.name))
    const missing = fn.triggers.filter((t) => !existing.has(t.name))
    if (missing.length > 0) {
      // Note: createTimeTrigger answers a failure *string* instead of throwing.
      const answer = await ci.cloud.createTimeTrigger({
        project,
        envId: options.env,
        functionName: fn.name,
        triggersConfig: missing,
      })
      if (answer !== TRIGGER_CREATED)
        throw new DeployError(`triggers of ${fn.name} were not created: ${answer}`)
      console.log(`  triggers created: ${missing.map((t) => t.name).join(', ')}`)
    }
  }
  console.log('\nDone. Submit the version for review in the admin console (版本管理).')
  return 0
}

// Note: miniprogram-ci's compiler keeps the process alive: always exit explicitly.
main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof DeployError ? `deploy: ${error.message}` : error)
    process.exit(error instanceof DeployError ? 2 : 1)
  },
)
