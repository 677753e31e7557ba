/**
 * The databases a function works with: the main environment's, and the key environment's
 * (`PI_KEY_ENV`, which holds nothing but wrapped data keys). Opened per call, so the handles
 * follow the environment the call runs in and a missing configuration fails that call (logged,
 * INTERNAL) rather than the cold start.
 */
import type * as WxServerSdk from 'wx-server-sdk'

import { asDb, DB_OPTIONS, type Db } from './db'
import { keyEnvFromEnv } from './keystore'

export interface Databases {
  db: Db
  /** Opened on first use: most calls never touch a key. */
  keyDb(): Db
}

export function openDatabases(
  cloud: typeof WxServerSdk,
  env: Record<string, string | undefined> = process.env,
): Databases {
  // Note: the SDK's typings omit `throwOnNotFound`, which its code reads.
  const database = cloud.database as (config: object) => object
  const db = asDb(database(DB_OPTIONS))
  let keyDb: Db | undefined
  return {
    db,
    keyDb() {
      if (!keyDb) {
        const keyEnv = keyEnvFromEnv(env, String(cloud.getWXContext().ENV ?? '') || undefined)
        keyDb = asDb(database({ ...DB_OPTIONS, env: keyEnv }))
      }
      return keyDb
    },
  }
}
