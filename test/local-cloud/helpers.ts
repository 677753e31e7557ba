/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON documents */
import type { LocalCloud } from '../../local-cloud/runtime'
import type { Manifest } from '../../local-cloud/manifest'

/** The real SDK's database, typed loosely for tests (its own typings return `Promise | void`). */
export type Db = any

export function dbOf(cloud: LocalCloud, config?: { throwOnNotFound?: boolean }): Db {
  return cloud.database(config)
}

/** Awaits a promise that must reject and returns what it rejected with. */
export async function failure(promise: Promise<unknown> | unknown): Promise<any> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected the call to fail, it succeeded')
}

/** A small manifest for tests that must not depend on the project's own collections. */
export const testManifest: Manifest = {
  collections: [
    {
      name: 'items',
      description: 'Test items',
      indexes: [
        { name: 'sku', fields: [{ field: 'sku' }], unique: true },
        { name: 'tags', fields: [{ field: 'tags' }] },
        { name: 'price', fields: [{ field: 'price' }] },
        { name: 'made', fields: [{ field: 'madeAt' }] },
        { name: 'level', fields: [{ field: 'p.level' }, { field: 'price', direction: -1 }] },
      ],
    },
    { name: 'accounts', description: 'Test balances' },
    { name: 'ledger', description: 'Test ledger entries' },
    { name: 'plain', description: 'Unindexed test collection' },
  ],
}
