import type { IncomingMessage, ServerResponse } from 'node:http'
import { ERROR_MESSAGES, type ErrorCode, type Failure } from '../../src/domain/errors'

/** Bodies above this are refused: a cloud function's event is capped far lower in production. */
export const BODY_LIMIT_BYTES = 1024 * 1024

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    readonly headers: Record<string, string> = {},
  ) {
    super(code)
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const payload = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(payload),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  })
  res.end(payload)
}

/** The coded answer every failure of the local HTTP layer takes: the shape functions use too. */
export function failure(code: ErrorCode): Failure {
  return { ok: false, code, message: ERROR_MESSAGES[code] }
}

export function sendFailure(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  headers: Record<string, string> = {},
) {
  sendJson(res, status, failure(code), headers)
}

/** The request body, refused over `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  // Note: a refused body may still be arriving; the answer closes the connection instead of reading it.
  if (Number.isFinite(declared) && declared > limit)
    throw new HttpError(413, 'FIELD_TOO_LONG', { Connection: 'close' })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) throw new HttpError(413, 'FIELD_TOO_LONG', { Connection: 'close' })
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** The request body as text, refused over `limit` bytes. */
export async function readText(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<string> {
  return (await readBody(req, limit)).toString('utf8')
}

/** Reads a JSON body of at most `limit` bytes; an empty body reads as `{}`. */
export async function readJson(req: IncomingMessage, limit = BODY_LIMIT_BYTES): Promise<unknown> {
  const text = (await readText(req, limit)).trim()
  if (text === '') return {}
  try {
    return JSON.parse(text)
  } catch (_error) {
    throw new HttpError(400, 'INVALID_ARGUMENT')
  }
}

/** Cookie header → map (first occurrence of a name wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>()
  if (!header) return cookies
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    if (!cookies.has(name)) cookies.set(name, part.slice(eq + 1).trim())
  }
  return cookies
}
