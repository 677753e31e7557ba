#!/usr/bin/env node
// npm run bench:size: the weapp build's main package and subpackages, file by file, against
// bench/budgets.json. Run after `npm run build:weapp` (production). Exits 1 over budget.
//   --json   print the measurement as JSON instead of tables
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(ROOT, 'dist')
/** WeChat refuses a main package or a subpackage above 2 MB, whatever our budget says. */
const PLATFORM_PACKAGE_LIMIT_KB = 2048
/** DevTools project settings, not part of the uploaded code package. */
const NOT_PACKAGED = new Set(['project.config.json', 'project.private.config.json'])

const kb = (bytes) => bytes / 1024
const fmt = (bytes) => `${kb(bytes).toFixed(1).padStart(8)} KB`

function listFiles(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const abs = path.join(dir, entry.name)
    if (entry.isDirectory()) return listFiles(abs, base)
    return entry.isFile()
      ? [{ file: path.relative(base, abs).split(path.sep).join('/'), bytes: statSync(abs).size }]
      : []
  })
}

/** Splits dist/ into the main package and each subpackage root declared in app.json. */
export function measure(dist = DIST) {
  const app = JSON.parse(readFileSync(path.join(dist, 'app.json'), 'utf8'))
  const roots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map(
    (p) => p.root.replace(/^\/+|\/+$/g, '') + '/',
  )
  const packages = new Map([['main', []], ...roots.map((r) => [r, []])])
  for (const entry of listFiles(dist).filter((e) => !NOT_PACKAGED.has(e.file))) {
    const root = roots.find((r) => entry.file.startsWith(r))
    packages.get(root ?? 'main').push(entry)
  }
  return [...packages].map(([name, files]) => ({
    name,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    files: files.sort((a, b) => b.bytes - a.bytes || a.file.localeCompare(b.file)),
  }))
}

/** Each budget check: what it measures, the limit in KB and the measured KB. */
export function check(packages, budgets) {
  const checks = []
  const main = packages.find((p) => p.name === 'main')
  if (budgets.weapp?.mainPackageKB !== undefined) {
    checks.push({
      what: 'main package (budget)',
      limitKB: budgets.weapp.mainPackageKB,
      actualKB: kb(main.bytes),
    })
  }
  for (const p of packages) {
    if (p.name === 'main') continue
    // A subpackage's own budget (`packages`), else the default for every subpackage.
    const limitKB = budgets.weapp?.packages?.[p.name] ?? budgets.weapp?.subpackageKB
    if (limitKB !== undefined)
      checks.push({ what: `subpackage ${p.name} (budget)`, limitKB, actualKB: kb(p.bytes) })
  }
  for (const p of packages) {
    const what = p.name === 'main' ? 'main package (WeChat limit)' : `subpackage ${p.name} (WeChat limit)`
    checks.push({ what, limitKB: PLATFORM_PACKAGE_LIMIT_KB, actualKB: kb(p.bytes) })
  }
  return checks.map((c) => ({ ...c, ok: c.actualKB <= c.limitKB }))
}

function main() {
  if (!existsSync(path.join(DIST, 'app.json'))) {
    console.error('dist/app.json is missing: run `npm run build:weapp` first.')
    process.exit(1)
  }
  const budgets = JSON.parse(readFileSync(path.join(ROOT, 'bench/budgets.json'), 'utf8'))
  const packages = measure()
  const checks = check(packages, budgets)
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ packages, checks }, null, 2))
  } else {
    for (const p of packages) {
      console.log(
        `\n${p.name === 'main' ? 'Main package' : `Subpackage ${p.name}`}: ${kb(p.bytes).toFixed(1)} KB`,
      )
      for (const f of p.files) console.log(`${fmt(f.bytes)}  ${f.file}`)
    }
    console.log('')
    for (const c of checks) {
      const pct = ((c.actualKB / c.limitKB) * 100).toFixed(0)
      console.log(
        `${c.ok ? 'ok  ' : 'OVER'}  ${c.what}: ${c.actualKB.toFixed(1)} of ${c.limitKB} KB (${pct}%)`,
      )
    }
  }
  if (checks.some((c) => !c.ok)) {
    console.error('\nSize budget exceeded.')
    process.exit(1)
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
