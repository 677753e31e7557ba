/**
 * Records the index plan of every database query that function code runs against local-cloud,
 * so tests can fail on a full scan of a collection the manifest marks `large` (on CloudBase a
 * full scan of a big collection is slow, billed and, past a point, refused).
 *
 * Only queries made inside a function invocation (`cloud.invoke`, a timer, callFunction) are
 * recorded: test helpers that dump whole collections are not production code.
 */
import { currentInvocation } from '../../local-cloud/context'
import { isPlainObject, parseWire } from '../../local-cloud/codec'
import { LocalCloud } from '../../local-cloud/runtime'
import { manifest } from '../../database/manifest'

export interface QueryPlanRecord {
  functionName: string
  action: string
  /** The environment the request named (undefined: the main one). */
  env?: string
  collection: string
  /** Field names of the query (values left out). */
  fields: string[]
  /** SQLite's plan of the candidate query (local-cloud's `explain`). */
  plan: string[]
  fullScan: boolean
}

const LARGE = new Set(manifest.collections.filter((c) => c.large).map((c) => c.name))
const QUERY_ACTIONS = new Set([
  'database.getDocument',
  'database.calculateDocument',
  'database.modifyDocument',
  'database.removeDocument',
  'database.aggregateDocuments',
])

/**
 * A step that reads every row of the table. `SCAN <table> USING INDEX ixa_…` is not one: it
 * walks local-cloud's partial index of the (few) documents whose field is an array.
 */
const isTableScan = (step: string) => /^SCAN\b/.test(step) && !/\bUSING\b/.test(step)

const records: QueryPlanRecord[] = []
let installed = false

/** The query a wire request filters on, as the engine parses it; undefined: no filter scan. */
function queryOf(action: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
  if (action === 'database.aggregateDocuments') {
    const stages = Array.isArray(params.stages) ? (params.stages as Array<Record<string, unknown>>) : []
    const first = stages[0]
    if (first?.stageKey !== '$match') return {}
    const match = parseWire(String(first.stageValue))
    return isPlainObject(match) ? match : {}
  }
  // A document operation (`doc(id)`) is a lookup by _id.
  if (params.queryType === 'DOC') return undefined
  const text = typeof params.query === 'string' ? params.query : ''
  const query = text === '' ? {} : parseWire(text)
  if (!isPlainObject(query)) return undefined
  // count() of a whole collection reads the collection's size, not its documents.
  if (action === 'database.calculateDocument' && Object.keys(query).length === 0) return undefined
  return query
}

function fieldsOf(query: Record<string, unknown>): string[] {
  return Object.entries(query).flatMap(([key, value]) =>
    key === '$and' || key === '$or'
      ? (Array.isArray(value) ? value : []).flatMap((part) => (isPlainObject(part) ? fieldsOf(part) : []))
      : [key],
  )
}

/** Wraps LocalCloud's wire entry once; records accumulate until `takeQueryPlans()`. */
export function recordQueryPlans(): void {
  if (installed) return
  installed = true
  const wire = LocalCloud.prototype.wire
  LocalCloud.prototype.wire = async function (this: LocalCloud, action, params, env) {
    const invocation = currentInvocation()
    const collection = typeof params.collectionName === 'string' ? params.collectionName : ''
    if (invocation && QUERY_ACTIONS.has(action) && collection !== '') {
      try {
        const query = queryOf(action, params)
        if (query) {
          const plan = this.explain(collection, query, env)
          records.push({
            functionName: invocation.functionName,
            action,
            env,
            collection,
            fields: fieldsOf(query),
            plan,
            fullScan: plan.some(isTableScan),
          })
        }
      } catch {
        // An unknown collection or a malformed query: the engine answers it with its own error.
      }
    }
    return wire.call(this, action, params, env)
  }
}

/** The records so far, and forgets them. */
export function takeQueryPlans(): QueryPlanRecord[] {
  return records.splice(0, records.length)
}

export function isLarge(collection: string): boolean {
  return LARGE.has(collection)
}

/** One line per full scan of a large collection, for an error message. */
export function fullScansOfLargeCollections(plans: QueryPlanRecord[]): string[] {
  const lines = plans
    .filter((record) => record.fullScan && isLarge(record.collection))
    .map(
      (record) =>
        `${record.functionName}: ${record.action} on ${record.collection} filtering on ` +
        `[${record.fields.join(', ') || 'nothing'}] scans the whole collection`,
    )
  return [...new Set(lines)]
}
