/**
 * Entry of the child process of the contract test: the real wx-server-sdk from node_modules,
 * unpatched (this file is bundled with every package external and imports nothing of
 * local-cloud), talks HTTP to the URL in TCB_CONTEXT_CNFG. Prints the outcomes as one JSON line.
 */
import { RESULT_MARKER, runContract, type CloudLike } from './cases'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloud = require('wx-server-sdk') as CloudLike & { init(config: Record<string, unknown>): void }

async function main(): Promise<void> {
  cloud.init({ env: process.env.CONTRACT_ENV ?? 'contract-env' })
  const results = await runContract(cloud)
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(results)}\n`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
