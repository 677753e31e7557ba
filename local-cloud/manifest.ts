/** Shape of `database/manifest.ts`: collections, their indexes and retention, applied to local-cloud. */
import { isTimed, type ManifestRetention } from '../database/retention'

export interface ManifestIndexField {
  field: string
  direction?: 1 | -1
}

export interface ManifestIndex {
  name: string
  fields: ManifestIndexField[]
  unique?: boolean
}

export interface ManifestCollection {
  name: string
  description: string
  indexes?: ManifestIndex[]
  /** How long its documents are kept (7.1, L-6): a description and the rules the scheduler applies. */
  retention?: ManifestRetention
  /**
   * Grows with the number of members or events (up to millions of documents): every query on it
   * must narrow by `_id` or the leading field of an index. The function tests fail on a full scan.
   */
  large?: boolean
  /**
   * The environment the collection lives in. Absent: the main environment. `keys`: the key
   * environment (`PI_KEY_ENV`), a separate CloudBase environment of the same account with its
   * own database, backups and collaborators, which holds nothing but wrapped data keys.
   */
  env?: ManifestEnv
}

/** Environments a collection can live in besides the main one. */
export const MANIFEST_ENVS = ['keys'] as const
export type ManifestEnv = (typeof MANIFEST_ENVS)[number]

export interface Manifest {
  collections: ManifestCollection[]
}

/** CloudBase allows at most 20 indexes per collection on the free tier; the manifest must fit. */
export const MAX_INDEXES_PER_COLLECTION = 20

const COLLECTION_NAME = /^[A-Za-z0-9_-]{1,64}$/
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/

/** Throws on a manifest that CloudBase would refuse, so the mistake shows up locally first. */
export function validateManifest(manifest: Manifest): void {
  const seen = new Set<string>()
  for (const collection of manifest.collections) {
    if (!COLLECTION_NAME.test(collection.name)) {
      throw new Error(`manifest: invalid collection name "${collection.name}"`)
    }
    if (seen.has(collection.name)) throw new Error(`manifest: duplicate collection "${collection.name}"`)
    seen.add(collection.name)
    if (collection.env !== undefined && !MANIFEST_ENVS.includes(collection.env)) {
      throw new Error(`manifest: ${collection.name} names an unknown environment "${String(collection.env)}"`)
    }
    const indexes = collection.indexes ?? []
    if (indexes.length > MAX_INDEXES_PER_COLLECTION) {
      throw new Error(`manifest: ${collection.name} declares ${indexes.length} indexes (max 20)`)
    }
    const names = new Set<string>()
    for (const index of indexes) {
      if (names.has(index.name)) throw new Error(`manifest: duplicate index ${collection.name}.${index.name}`)
      names.add(index.name)
      if (index.fields.length === 0)
        throw new Error(`manifest: index ${collection.name}.${index.name} has no fields`)
      for (const { field } of index.fields) {
        if (field !== '_id' && !FIELD_PATH.test(field)) {
          throw new Error(`manifest: index ${collection.name}.${index.name} has invalid field "${field}"`)
        }
      }
    }
    for (const rule of (collection.retention?.rules ?? []).filter(isTimed)) {
      const wanted = [...Object.keys(rule.where ?? {}), rule.anchor]
      const served = indexes.some(
        (index) =>
          index.fields.length >= wanted.length &&
          wanted.every((field, i) => index.fields[i]?.field === field),
      )
      if (!served) {
        throw new Error(`manifest: ${collection.name} retention sweep on ${wanted.join(', ')} has no index`)
      }
    }
  }
}
