/**
 * `npm run db:manifest` prints every collection and index of database/manifest.ts in each form
 * a retailer can use to create them on CloudBase, each in its environment (the main one, or the
 * key environment for the wrapped data keys).
 */
import { execFileSync } from 'node:child_process'
import path from 'node:path'

import { manifest } from '../../database/manifest'

const ROOT = path.resolve(__dirname, '../..')
const run = (format: string) =>
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/db-manifest.mjs'), '--format', format], {
    cwd: ROOT,
    encoding: 'utf8',
  })

const indexes = manifest.collections.flatMap((c) =>
  (c.indexes ?? []).map((index) => ({ collection: c.name, index })),
)

describe('npm run db:manifest', () => {
  test('json is the manifest itself', () => {
    expect(JSON.parse(run('json'))).toEqual(JSON.parse(JSON.stringify(manifest)))
  })

  test('console steps name every collection and index with its fields, under its environment', () => {
    const out = run('console')
    for (const c of manifest.collections) expect(out).toContain(`. ${c.name}`)
    for (const { index } of indexes) expect(out).toContain(`index ${index.name}: ${index.fields[0].field} `)
    const [main, keys] = out.split('### Key environment (PI_KEY_ENV)')
    expect(keys).toBeDefined()
    for (const c of manifest.collections) expect(c.env === 'keys' ? keys : main).toContain(`. ${c.name}`)
    expect(main).not.toContain('. member_keys')
  })

  test('http commands create every collection and send every index with string directions', () => {
    const out = run('http')
    const bodies = [...out.matchAll(/-d '(\{.*\})'$/gm)].map((m) =>
      JSON.parse(m[1].replace(`"'"$ENV_ID"'"`, '"env-test"').replace(`"'"$KEY_ENV_ID"'"`, '"key-env-test"')),
    )
    for (const c of manifest.collections) {
      const env = c.env === 'keys' ? '$KEY_ENV_ID' : '$ENV_ID'
      expect(out).toContain(`{\\"env\\":\\"${env}\\",\\"collection_name\\":\\"${c.name}\\"}`)
    }
    for (const { collection, index } of indexes) {
      const body = bodies.find((b) => b.collection_name === collection)
      const env =
        manifest.collections.find((c) => c.name === collection)?.env === 'keys' ? 'key-env-test' : 'env-test'
      expect(body).toMatchObject({ env, drop_indexes: [] })
      expect(body.create_indexes).toContainEqual({
        name: index.name,
        unique: Boolean(index.unique),
        keys: index.fields.map((f) => ({ name: f.field, direction: f.direction === -1 ? '-1' : '1' })),
      })
    }
  })

  test('the manager-node script declares every index', () => {
    const out = run('manager')
    for (const { index } of indexes) expect(out).toContain(`"IndexName": "${index.name}"`)
    expect(out).toContain('createCollectionIfNotExists')
    expect(out).toMatch(/"name": "member_keys",\s+"envVar": "TCB_KEY_ENV_ID"/)
    expect(out).toMatch(/"name": "identities",\s+"envVar": "TCB_ENV_ID"/)
  })
})
