// Bundles local-cloud's server (TypeScript) into one CommonJS file; node_modules stay external.
import { build } from 'esbuild'
import path from 'node:path'
import { BUILD_DIR, ROOT } from './builds.mjs'

export const SERVER_BUNDLE = path.join(BUILD_DIR, 'server/main.cjs')

export async function bundleServer() {
  const started = Date.now()
  await build({
    entryPoints: [path.join(ROOT, 'local-cloud/server/main.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  })
  return Date.now() - started
}
