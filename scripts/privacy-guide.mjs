#!/usr/bin/env node
/**
 * npm run privacy:guide — prints the entries to declare in the admin console's 用户隐私保护指引:
 * the WeChat privacy interfaces src/ uses (found in the code) with their purpose and retention
 * (from the data inventory), then every field the inventory lets the app collect.
 * Fails when src/ uses a platform API that scripts/lib/privacy-guide.ts has not classified.
 *
 *   npm run privacy:guide             the text to enter
 *   npm run privacy:guide -- --json   the entries as JSON
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { build } from 'esbuild'
import { BUILD_DIR, ROOT } from './lib/builds.mjs'

const outfile = path.join(BUILD_DIR, 'privacy-guide/main.cjs')
await build({
  entryPoints: [path.join(ROOT, 'scripts/lib/privacy-guide.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  alias: { '@': path.join(ROOT, 'src') },
  tsconfig: path.join(ROOT, 'tsconfig.json'),
  logLevel: 'warning',
})
const guide = createRequire(import.meta.url)(outfile)

const usages = guide.scanSources(path.join(ROOT, 'src'), ROOT)
const unknown = guide.unclassified(usages)
if (unknown.length > 0) {
  console.error(
    'privacy:guide: platform APIs used in src/ but not classified in scripts/lib/privacy-guide.ts:',
  )
  for (const u of unknown) console.error(`  ${u.kind} ${u.api}  (${u.file}:${u.line})`)
  process.exit(1)
}
const entries = guide.guideEntries(usages)
console.log(process.argv.includes('--json') ? JSON.stringify(entries, null, 2) : guide.renderGuide(entries))
