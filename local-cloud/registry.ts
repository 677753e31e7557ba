import { currentInvocation } from './context'

/** What sdk.ts needs from a LocalCloud (kept minimal to avoid an import cycle with runtime.ts). */
export interface CloudHandle {
  readonly id: string
  sdk(initConfig?: Record<string, unknown>): import('./real-sdk').SdkInstance
  /** wx-server-sdk's storage APIs (uploadFile, downloadFile, getTempFileURL, deleteFile). */
  storageCall(name: string, options: Record<string, unknown>): Promise<unknown>
}

const clouds = new Map<string, CloudHandle>()
let current: CloudHandle | undefined

export function registerCloud(cloud: CloudHandle): void {
  clouds.set(cloud.id, cloud)
}

export function unregisterCloud(cloud: CloudHandle): void {
  clouds.delete(cloud.id)
  if (current === cloud) current = undefined
}

export function setCurrentCloud(cloud: CloudHandle): void {
  current = cloud
}

/** The cloud running the current invocation, else the one last made current with use(). */
export function resolveCloud(): CloudHandle {
  const invocation = currentInvocation()
  const running = invocation ? clouds.get(invocation.cloudId) : undefined
  const cloud = running ?? current
  if (!cloud) {
    throw new Error(
      'local-cloud: no LocalCloud in use. Create one with createTestCloud() (tests) or createLocalCloud(...).use().',
    )
  }
  return cloud
}
