import { manifest } from '../database/manifest'
import { createLocalCloud, type LocalCloud, type LocalCloudOptions } from './runtime'

/**
 * A fresh in-memory LocalCloud with the project's manifest applied, made current for
 * `wx-server-sdk`. Call `cloud.close()` in afterEach.
 */
export function createTestCloud(options: LocalCloudOptions = {}): LocalCloud {
  return createLocalCloud({ manifest, ...options }).use()
}

/**
 * A `shuffleUnordered` seed for a test: derived from its name and LOCAL_CLOUD_SHUFFLE_SEED (FNV-1a),
 * so a test that fails on an order fails the same way when run again, and setting the variable
 * tries other orders.
 */
export function shuffleSeedFor(testName: string): number {
  let hash = 0x811c9dc5
  for (const char of `${process.env.LOCAL_CLOUD_SHUFFLE_SEED ?? ''}/${testName}`) {
    hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 0x01000193) >>> 0
  }
  return hash
}

export type { LocalCloud, LocalCloudOptions, OutboxItem } from './runtime'
