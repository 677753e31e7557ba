// Bundles TypeScript of the repository for node scripts: one CommonJS file, node_modules external.
import { createRequire } from 'node:module'
import path from 'node:path'
import { build } from 'esbuild'
import { BUILD_DIR, ROOT } from './builds.mjs'

/** The esbuild options every node bundle of the repository shares. */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  tsconfig: path.join(ROOT, 'tsconfig.json'),
  logLevel: 'warning',
}

/**
 * Bundles `entry` (a path from the repository root, or `{ contents }`: TypeScript source resolved
 * from the root) into `.build/<name>/main.cjs` and loads it fresh; `options`: more esbuild options.
 */
export async function loadTypeScript(name, entry, options = {}) {
  const outfile = path.join(BUILD_DIR, name, 'main.cjs')
  const input =
    typeof entry === 'string'
      ? { entryPoints: [path.join(ROOT, entry)] }
      : { stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts' } }
  await build({ ...NODE_BUNDLE_OPTIONS, ...options, ...input, outfile })
  const require = createRequire(import.meta.url)
  delete require.cache[outfile]
  return require(outfile)
}
