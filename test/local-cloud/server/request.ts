import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
  json: () => unknown
}

/** One HTTP request to a test server, with raw control over headers and body. */
export function request(
  server: http.Server,
  method: string,
  path: string,
  { body, headers = {} }: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const { port } = server.address() as AddressInfo
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) })
      })
    })
    // A server that refuses a large body may close before it is all sent.
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** `name=value` of the Set-Cookie header, for sending back. */
export function cookieOf(answer: Answer): string {
  const setCookie = answer.headers['set-cookie']?.[0] ?? ''
  return setCookie.split(';')[0]
}

export function listen(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
}

export function close(server: http.Server): Promise<void> {
  server.closeAllConnections()
  return new Promise((resolve) => server.close(() => resolve()))
}
