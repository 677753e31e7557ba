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
import path from 'node:path'
import { ROOT } from './lib/builds.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const guide = await loadTypeScript('privacy-guide', 'scripts/lib/privacy-guide.ts', {
  alias: { '@': path.join(ROOT, 'src') },
})

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
