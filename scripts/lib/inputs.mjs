// Content hashes of build inputs, stored beside the outputs: a build runs when its inputs changed.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'

const SKIPPED_DIRS = new Set(['node_modules', '.git'])

/**
 * Hashes the given files and directories (relative to `root`, missing ones included as absent)
 * by path and content, in a stable order. `ignore(relativePath)` leaves out generated files.
 */
export function hashInputs(root, inputs, { ignore = () => false, extra = '' } = {}) {
  const hash = createHash('sha256')
  hash.update(`extra\0${extra}\0`)
  const visit = (rel) => {
    const abs = path.join(root, rel)
    if (!existsSync(abs)) {
      hash.update(`missing\0${rel}\0`)
      return
    }
    if (statSync(abs).isDirectory()) {
      for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        const child = path.join(rel, entry.name)
        if (entry.isDirectory() && SKIPPED_DIRS.has(entry.name)) continue
        if (entry.name === '.DS_Store' || ignore(child.split(path.sep).join('/'))) continue
        if (entry.isDirectory() || entry.isFile()) visit(child)
      }
    } else {
      const content = readFileSync(abs)
      hash.update(`file\0${rel.split(path.sep).join('/')}\0${content.length}\0`)
      hash.update(content)
    }
  }
  for (const input of [...inputs].sort()) visit(input)
  return hash.digest('hex')
}

export function readStamp(file) {
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    return undefined
  }
}

export function writeStamp(file, value) {
  writeFileSync(file, value + '\n')
}
