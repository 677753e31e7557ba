/**
 * The earning rules' versions (`points_rules`, src/domain/points/versions.ts), read once and
 * kept by the function instance for RULES_CACHE_MS. A new version takes effect no sooner than
 * RULES_CACHE_MS after it is published, so every instance has read it by the time it scores a
 * purchase: the preview at one till and the award at another never differ.
 */
import { rulesAt } from '../../../src/domain/points/earning'
import type { PointsRulesVersion } from '../../../src/domain/points/versions'
import type { Clock } from '../clock'
import { COLLECTIONS, type Db } from '../db'

export const RULES_CACHE_MS = 60_000

/** Versions read at most: decades of changes. */
const MAX_VERSIONS = 200

export type RulesVersionDoc = PointsRulesVersion & { _id: string }

/** One book per function instance (an instance serves one environment), like the store directory. */
export interface RulesBook {
  /** Every version, newest first. */
  versions(db: Db): Promise<RulesVersionDoc[]>
  /** The version in force at `iso`. */
  at(db: Db, iso: string): Promise<RulesVersionDoc | undefined>
  /** Forgets what was read (after this instance published a version). */
  forget(): void
}

export function createRulesBook(clock: Clock): RulesBook {
  let cached: { readAt: number; versions: Promise<RulesVersionDoc[]> } | null = null

  async function read(db: Db): Promise<RulesVersionDoc[]> {
    const { data } = await db
      .collection(COLLECTIONS.pointsRules)
      .where({ version: db.command.gt(0) })
      .orderBy('version', 'desc')
      .limit(MAX_VERSIONS)
      .get()
    return data as unknown as RulesVersionDoc[]
  }

  const versions = (db: Db) => {
    const now = clock.now()
    if (!cached || now - cached.readAt >= RULES_CACHE_MS) {
      const pending = read(db)
      cached = { readAt: now, versions: pending }
      pending.catch(() => {
        if (cached?.versions === pending) cached = null
      })
    }
    return cached.versions
  }

  return {
    versions,
    async at(db, iso) {
      return rulesAt(await versions(db), iso) as RulesVersionDoc | undefined
    },
    forget() {
      cached = null
    },
  }
}
