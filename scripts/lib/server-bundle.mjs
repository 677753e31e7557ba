// Bundles local-cloud's server (TypeScript) into one CommonJS file; node_modules stay external.
import { build } from 'esbuild'
import path from 'node:path'
import { BUILD_DIR, ROOT } from './builds.mjs'
import { NODE_BUNDLE_OPTIONS } from './node-bundle.mjs'

export const SERVER_BUNDLE = path.join(BUILD_DIR, 'server/main.cjs')

export async function bundleServer() {
  const started = Date.now()
  await build({
    ...NODE_BUNDLE_OPTIONS,
    entryPoints: [path.join(ROOT, 'local-cloud/server/main.ts')],
    outfile: SERVER_BUNDLE,
    sourcemap: 'linked',
  })
  return Date.now() - started
}
