#!/usr/bin/env node
/**
 * npm run device:push — signs a push as a device would and posts it to the ingest function of
 * the running `npm start` server (or --url), then prints the answer: an integrator's reference
 * for the signature (docs/deployment.md §7; the signing code is the function's own).
 *
 *   npm run device:push -- --device ID --secret BASE64 --body JSON [--kind pos] [--url URL]
 *
 * --url: the server's address (default http://127.0.0.1:$PORT, PORT default 10086); the push
 * goes to <url>/http/ingest/<kind>, where local-cloud serves CloudBase's HTTP access.
 */
import { randomBytes } from 'node:crypto'
import { cliOptions } from './lib/cli.mjs'
import { loadTypeScript } from './lib/node-bundle.mjs'

const usage = 'usage: npm run device:push -- --device ID --secret BASE64 --body JSON [--kind pos] [--url URL]'
const options = cliOptions(
  'device:push',
  {
    device: { type: 'string' },
    secret: { type: 'string' },
    body: { type: 'string' },
    kind: { type: 'string', default: 'pos' },
    url: { type: 'string' },
  },
  usage,
)
if (!options.device || !options.secret || options.body === undefined) {
  console.error(`device:push: --device, --secret and --body are required\n${usage}`)
  process.exit(2)
}

const { sign } = await loadTypeScript('device-push', 'cloudfunctions/ingest/signature.ts')

const base = (options.url ?? `http://127.0.0.1:${process.env.PORT || 10086}`).replace(/\/$/, '')
const path = `/ingest/${options.kind}`
const timestamp = String(Math.floor(Date.now() / 1000))
const nonce = randomBytes(16).toString('base64url')
const body = options.body
const signature = sign(Buffer.from(options.secret, 'base64'), {
  method: 'POST',
  path,
  timestamp,
  nonce,
  body,
})

try {
  const response = await fetch(`${base}/http${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-device-id': options.device,
      'x-timestamp': timestamp,
      'x-nonce': nonce,
      'x-signature': signature,
    },
    body,
  })
  console.log(`${response.status} ${await response.text()}`)
  process.exit(response.ok ? 0 : 1)
} catch (error) {
  console.error(`device:push: ${base} did not answer (${error.message}); is \`npm start\` running?`)
  process.exit(1)
}
