import { createReadStream, promises as fs, type Stats } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
}

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream'
}

async function statFile(file: string): Promise<Stats | null> {
  try {
    const stats = await fs.stat(file)
    return stats.isFile() ? stats : null
  } catch (_error) {
    return null
  }
}

/**
 * Maps a URL path to a file inside `root`, or null when the path escapes it or is malformed.
 * The URL has already been parsed, so `pathname` carries no query or fragment.
 */
export function resolveInside(root: string, pathname: string): string | null {
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch (_error) {
    return null
  }
  if (decoded.includes('\0')) return null
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded))
  return file === root || file.startsWith(root + path.sep) ? file : null
}

export interface StaticOptions {
  /** The H5 build output (dist-h5/). */
  root: string
  /** Called when the answer is the app's page, so the caller can set a session cookie. */
  onDocument?: (req: IncomingMessage, res: ServerResponse) => void
}

/**
 * Serves the H5 build: files with their content types and a weak ETag; any other extension-less
 * path answers index.html, so the browser-mode router and deep links work too.
 */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  options: StaticOptions,
) {
  const root = path.resolve(options.root)
  const isDirectory = pathname.endsWith('/')
  let file = resolveInside(root, isDirectory ? pathname + 'index.html' : pathname)
  if (!file) return sendText(res, 400, 'Bad request')
  // Build stamps and other dotfiles are not part of the app.
  if (
    path
      .relative(root, file)
      .split(path.sep)
      .some((part) => part.startsWith('.'))
  ) {
    return sendText(res, 404, 'Not found')
  }
  let stats = await statFile(file)
  if (!stats && (isDirectory || path.extname(file) === '')) {
    file = path.join(root, 'index.html')
    stats = await statFile(file)
  }
  if (!stats) {
    if (!(await statFile(path.join(root, 'index.html')))) {
      return sendText(res, 503, 'The H5 build is missing: run `npm start`, which builds it.')
    }
    return sendText(res, 404, 'Not found')
  }

  const isDocument = file.endsWith('.html')
  const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`
  const headers: Record<string, string | number> = {
    'Content-Type': contentType(file),
    'Cache-Control': 'no-cache',
    ETag: etag,
    'X-Content-Type-Options': 'nosniff',
  }
  if (isDocument) options.onDocument?.(req, res)
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers)
    return res.end()
  }
  headers['Content-Length'] = stats.size
  res.writeHead(200, headers)
  if (req.method === 'HEAD') return res.end()
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res)
}

function sendText(res: ServerResponse, status: number, text: string) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'X-Content-Type-Options': 'nosniff',
  })
  res.end(text)
}
