// Bundles bench/suite.ts into one CommonJS file that runs the cloud functions against
// local-cloud: the functions' `wx-server-sdk` import resolves to local-cloud/sdk.ts (as jest's
// moduleNameMapper does); every other package stays external.
import { build } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SUITE_BUNDLE = path.join(ROOT, '.build/bench/suite.cjs')

const standIn = {
  name: 'wx-server-sdk-stand-in',
  setup(b) {
    // Exactly the bare name: local-cloud itself loads the real SDK as `wx-server-sdk/index.js`.
    b.onResolve({ filter: /^wx-server-sdk$/ }, () => ({ path: path.join(ROOT, 'local-cloud/sdk.ts') }))
  },
}

export async function bundleSuite() {
  await build({
    entryPoints: [path.join(ROOT, 'bench/suite.ts')],
    outfile: SUITE_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    plugins: [standIn],
    sourcemap: 'linked',
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    logLevel: 'warning',
  })
  return SUITE_BUNDLE
}
