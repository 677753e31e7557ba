/**
 * Bundles each cloud function: cloudfunctions/<name>/index.ts → cloudfunctions/<name>/index.js
 * (CommonJS for CloudBase's Node 16 runtime). src/domain and cloudfunctions/common are inlined;
 * wx-server-sdk stays external because the cloud installs it from the function's package.json
 * (and local-cloud swaps in its stand-in at load time).
 *
 *   node scripts/build-functions.mjs            build every function
 *   node scripts/build-functions.mjs member     build the named ones
 */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const functionsDir = path.join(root, 'cloudfunctions')
// Server-only modules bundled into the functions, never deployed alone.
const NOT_FUNCTIONS = new Set(['common'])

function functionNames() {
  if (!existsSync(functionsDir)) return []
  return readdirSync(functionsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !NOT_FUNCTIONS.has(entry.name))
    .filter((entry) => existsSync(path.join(functionsDir, entry.name, 'index.ts')))
    .map((entry) => entry.name)
    .sort()
}

async function buildOne(name) {
  const dir = path.join(functionsDir, name)
  const result = await build({
    entryPoints: [path.join(dir, 'index.ts')],
    outfile: path.join(dir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node16',
    format: 'cjs',
    external: ['wx-server-sdk'],
    alias: { '@': path.join(root, 'src') },
    tsconfig: path.join(root, 'tsconfig.json'),
    legalComments: 'none',
    // Keep the Chinese messages readable in the deployed file (the default escapes them).
    charset: 'utf8',
    sourcemap: false,
    minify: false,
    logLevel: 'warning',
    metafile: true,
    banner: {
      js: `// Built by scripts/build-functions.mjs from cloudfunctions/${name}/index.ts. Do not edit.`,
    },
  })
  const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0)
  return { name, bytes }
}

const requested = process.argv.slice(2)
const available = functionNames()
const unknown = requested.filter((name) => !available.includes(name))
if (unknown.length > 0) {
  console.error(`build-functions: no cloudfunctions/<name>/index.ts for: ${unknown.join(', ')}`)
  process.exit(1)
}
const names = requested.length > 0 ? requested : available
const started = Date.now()
try {
  const built = await Promise.all(names.map(buildOne))
  for (const { name, bytes } of built)
    console.log(`  cloudfunctions/${name}/index.js  ${(bytes / 1024).toFixed(1)} KB`)
  console.log(`build-functions: ${built.length} function(s) in ${Date.now() - started} ms`)
} catch (error) {
  // esbuild has already printed the diagnostics.
  console.error(`build-functions: failed (${error instanceof Error ? error.message.split('\n')[0] : error})`)
  process.exit(1)
}
