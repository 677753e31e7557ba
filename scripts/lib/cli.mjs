// Command-line options of the repository's node scripts: parsed with node:util, `--help` and
// malformed options answered the same way everywhere.
import { parseArgs } from 'node:util'

/**
 * The values of `options` (node:util parseArgs shapes; `help`/`-h` added). Prints `usage` and
 * exits 0 on --help; prints the problem and exits 2 on an unknown or malformed option.
 */
export function cliOptions(command, options, usage) {
  let values
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } }).values
  } catch (error) {
    console.error(`${command}: ${error.message}`)
    process.exit(2)
  }
  if (values.help) {
    console.log(usage)
    process.exit(0)
  }
  return values
}

/** The positive integer given as `--name`, undefined when absent; exits 2 on anything else. */
export function positiveOption(command, values, name) {
  const value = values[name]
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${command}: --${name} must be a positive integer`)
    process.exit(2)
  }
  return n
}
