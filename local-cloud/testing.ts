import { manifest } from '../database/manifest'
import { createLocalCloud, type LocalCloud, type LocalCloudOptions } from './runtime'

/**
 * A fresh in-memory LocalCloud with the project's manifest applied, made current for
 * `wx-server-sdk`. Call `cloud.close()` in afterEach.
 */
export function createTestCloud(options: LocalCloudOptions = {}): LocalCloud {
  return createLocalCloud({ manifest, ...options }).use()
}

export type { LocalCloud, LocalCloudOptions, OutboxItem } from './runtime'
