// npm 11.16+ leaves a 404ing optional dependency of @nutui/nutui-react-taro out of the lock
// on `npm install`, then `npm ci` rejects that same lock ("Missing: @jmfe/npm-usage-stats-tool").
// The placeholder that older npm writes keeps `npm ci` working; `--fix` puts it back.
import { readFileSync, writeFileSync } from 'node:fs'

const LOCK = new URL('../package-lock.json', import.meta.url)
const KEY = 'node_modules/@nutui/nutui-react-taro/node_modules/@jmfe/npm-usage-stats-tool'

const lock = JSON.parse(readFileSync(LOCK, 'utf8'))
if (lock.packages[KEY]) process.exit(0)
if (!process.argv.includes('--fix')) {
  console.error(
    `package-lock.json lacks the placeholder "${KEY}"; npm ci would fail. Run: node scripts/check-lock.mjs --fix`,
  )
  process.exit(1)
}
const packages = {}
for (const [name, entry] of Object.entries(lock.packages)) {
  packages[name] = entry
  if (name === 'node_modules/@nutui/nutui-react-taro') packages[KEY] = { optional: true }
}
lock.packages = packages
writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n')
console.log('package-lock.json: placeholder restored')
