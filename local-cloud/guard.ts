/**
 * local-cloud is a development and test stand-in. Loaded inside a real CloudBase / SCF runtime it
 * would silently replace the real database with an empty SQLite file, so it refuses to load there.
 */
const CLOUD_RUNTIME_MARKERS = [
  'TENCENTCLOUD_RUNENV',
  'SCF_RUNTIME',
  'SCF_FUNCTIONNAME',
  'TCB_CONTEXT_KEYS',
  'CBR_ENV_ID',
] as const

type Env = Record<string, string | undefined>

export function detectCloudRuntime(env: Env = process.env): string | undefined {
  return CLOUD_RUNTIME_MARKERS.find((name) => env[name] !== undefined && env[name] !== '')
}

export function assertNotInCloud(env: Env = process.env): void {
  const marker = detectCloudRuntime(env)
  if (marker) {
    throw new Error(
      `local-cloud must not be loaded inside a CloudBase / SCF runtime (${marker}=${env[marker]}). ` +
        'Deploy functions with the real wx-server-sdk; local-cloud is for development and tests only.',
    )
  }
}

assertNotInCloud()
