#!/usr/bin/env node
/**
 * npm run db:manifest — how to create the collections and indexes of database/manifest.ts on
 * CloudBase (local-cloud applies the manifest by itself).
 *
 *   npm run db:manifest                      every form below, one after the other
 *   npm run db:manifest -- --format console  console steps (云开发控制台 → 数据库)
 *   npm run db:manifest -- --format http     curl commands for WeChat's HTTP API
 *                                            (/tcb/databasecollectionadd, /tcb/updateindex)
 *   npm run db:manifest -- --format manager  a Node script for @cloudbase/manager-node
 *   npm run db:manifest -- --format json     the manifest itself
 *
 * Nothing here talks to CloudBase: it prints what to run. Every collection is for the cloud
 * functions only: set its permission to "仅管理端可读写" (ADMINONLY) — the mini-program never
 * reads the database directly.
 *
 * Two environments: the main one (CLOUD_ENV_ID) and the key environment (PI_KEY_ENV), a separate
 * CloudBase environment that holds only the wrapped data keys (collections marked `env: 'keys'`
 * in the manifest). Each collection is printed under the environment it belongs in.
 */
import { parseArgs } from 'node:util'
import { loadTypeScript } from './lib/node-bundle.mjs'

const FORMATS = ['all', 'console', 'http', 'manager', 'json']

let format
try {
  format = parseArgs({ options: { format: { type: 'string', default: 'all' } } }).values.format
} catch (error) {
  console.error(`db:manifest: ${error.message}`)
  process.exit(2)
}
if (!FORMATS.includes(format)) {
  console.error(`db:manifest: --format must be one of ${FORMATS.join(', ')}`)
  process.exit(2)
}

/** database/manifest.ts, validated like local-cloud does (CloudBase's limits). */
async function loadManifest() {
  const { manifest, validateManifest } = await loadTypeScript('db-manifest', {
    contents:
      "export { manifest } from './database/manifest'\nexport { validateManifest } from './local-cloud/manifest'\n",
  })
  validateManifest(manifest)
  return manifest
}

const direction = (d) => (d === -1 ? '-1' : '1')

/** The environments, in order, with the collections of each and how the output names them. */
const ENVIRONMENTS = [
  {
    env: undefined,
    title: 'Main environment (CLOUD_ENV_ID: the functions’ own)',
    shellVar: 'ENV_ID',
    managerVar: 'TCB_ENV_ID',
  },
  {
    env: 'keys',
    title:
      'Key environment (PI_KEY_ENV): a separate environment for the wrapped data keys only — ' +
      'restricted collaborators, no exports, short backup retention (docs/deployment.md)',
    shellVar: 'KEY_ENV_ID',
    managerVar: 'TCB_KEY_ENV_ID',
  },
]
const collectionsIn = (manifest, env) => manifest.collections.filter((c) => c.env === env)
const describeFields = (index) =>
  index.fields.map((f) => `${f.field} ${f.direction === -1 ? '降序 (desc)' : '升序 (asc)'}`).join(', ')

function consoleSteps(manifest) {
  const lines = [
    '## Console (云开发控制台 → 数据库)',
    '',
    'For each collection: 新建集合 → name; 权限设置 → 仅管理端可读写 (functions only);',
    '索引管理 → 添加索引 → the indexes below (`_id` is always indexed).',
    '',
  ]
  let number = 0
  for (const { env, title } of ENVIRONMENTS) {
    const collections = collectionsIn(manifest, env)
    if (collections.length === 0) continue
    lines.push(`### ${title}`, '')
    for (const collection of collections) {
      const size = collection.large ? ' [large: every query must use an index]' : ''
      lines.push(`${++number}. ${collection.name}${size}`)
      lines.push(`   retention: ${collection.retention?.text ?? 'not declared'}`)
      for (const index of collection.indexes ?? []) {
        lines.push(
          `   - index ${index.name}: ${describeFields(index)}${index.unique ? ', 唯一 (unique)' : ', 非唯一'}`,
        )
      }
    }
    lines.push('')
  }
  return lines.join('\n').trimEnd()
}

function httpCommands(manifest) {
  const lines = [
    '## WeChat HTTP API (an access token of the mini-program: /cgi-bin/stable_token with AppID + AppSecret)',
    '',
    '# export ENV_ID=<main env id>  KEY_ENV_ID=<key env id, PI_KEY_ENV>  ACCESS_TOKEN=<token>',
    'API=https://api.weixin.qq.com/tcb',
  ]
  const shellVarOf = (collection) => ENVIRONMENTS.find((e) => e.env === collection.env).shellVar
  for (const collection of manifest.collections) {
    const envVar = shellVarOf(collection)
    lines.push('', `# ${collection.name}${collection.env ? ` (key environment: $${envVar})` : ''}`)
    lines.push(
      `curl -sS -X POST "$API/databasecollectionadd?access_token=$ACCESS_TOKEN" -H 'Content-Type: application/json' \\`,
      `  -d "{\\"env\\":\\"$${envVar}\\",\\"collection_name\\":\\"${collection.name}\\"}"`,
    )
    const indexes = collection.indexes ?? []
    if (indexes.length === 0) continue
    const body = {
      collection_name: collection.name,
      create_indexes: indexes.map((index) => ({
        name: index.name,
        unique: Boolean(index.unique),
        keys: index.fields.map((f) => ({ name: f.field, direction: direction(f.direction) })),
      })),
      drop_indexes: [],
    }
    // The env id comes from the shell: the single-quoted JSON is closed around "$ENV_ID".
    const json = JSON.stringify({ env: '@ENV@', ...body }).replace('"@ENV@"', `"'"$${envVar}"'"`)
    lines.push(
      `curl -sS -X POST "$API/updateindex?access_token=$ACCESS_TOKEN" -H 'Content-Type: application/json' \\`,
      `  -d '${json}'`,
    )
  }
  lines.push(
    '',
    '# Each answer must be {"errcode":0,...}; databasecollectionadd answers an error for an existing',
    '# collection (harmless on a re-run); updateindex fails for an index name that exists.',
  )
  return lines.join('\n')
}

function managerScript(manifest) {
  const collections = manifest.collections.map((c) => ({
    name: c.name,
    envVar: ENVIRONMENTS.find((e) => e.env === c.env).managerVar,
    indexes: (c.indexes ?? []).map((index) => ({
      IndexName: index.name,
      MgoKeySchema: {
        MgoIsUnique: Boolean(index.unique),
        MgoIndexKeys: index.fields.map((f) => ({ Name: f.field, Direction: direction(f.direction) })),
      },
    })),
  }))
  return [
    '## @cloudbase/manager-node (Tencent Cloud API keys of a sub-account limited to these two environments)',
    '',
    '// npm install @cloudbase/manager-node   (outside this repository), then:',
    '// TCB_SECRET_ID=… TCB_SECRET_KEY=… TCB_ENV_ID=<main env> TCB_KEY_ENV_ID=<key env> node create-collections.js',
    "const CloudBase = require('@cloudbase/manager-node')",
    'const databaseOf = (envVar) => {',
    '  if (!process.env[envVar]) throw new Error(`${envVar} is not set`)',
    '  return new CloudBase({',
    '    secretId: process.env.TCB_SECRET_ID,',
    '    secretKey: process.env.TCB_SECRET_KEY,',
    '    envId: process.env[envVar],',
    '  }).database',
    '}',
    `const collections = ${JSON.stringify(collections, null, 2)}`,
    ';(async () => {',
    '  for (const { name, envVar, indexes } of collections) {',
    '    const database = databaseOf(envVar)',
    '    await database.createCollectionIfNotExists(name)',
    '    for (const index of indexes) {',
    '      if ((await database.checkIndexExists(name, index.IndexName)).Exists) continue',
    '      await database.updateCollection(name, { CreateIndexes: [index] })',
    '    }',
    "    console.log('ok', name, process.env[envVar])",
    '  }',
    '})().catch((error) => {',
    '  console.error(error)',
    '  process.exit(1)',
    '})',
    '// Then set each collection to 仅管理端可读写 in the console (数据库 → 权限设置).',
  ].join('\n')
}

const manifest = await loadManifest()
const sections = {
  console: () => consoleSteps(manifest),
  http: () => httpCommands(manifest),
  manager: () => managerScript(manifest),
  json: () => JSON.stringify(manifest, null, 2),
}
const chosen = format === 'all' ? ['console', 'http', 'manager'] : [format]
console.log(chosen.map((name) => sections[name]()).join('\n\n'))
