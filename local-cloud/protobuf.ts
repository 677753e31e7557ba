/**
 * The few protobuf messages of wx-server-sdk's openapi transport (`CommApiData` in,
 * `CommOpenApiResp` out), hand-coded: field numbers from the SDK's generated encoders.
 */

type Field = { number: number; wireType: number; value: number | Buffer }

function readVarint(buf: Buffer, pos: number): [number, number] {
  let result = 0
  let shift = 0
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint')
    const byte = buf[pos++]
    result += (byte & 0x7f) * 2 ** shift
    if ((byte & 0x80) === 0) return [result, pos]
    shift += 7
  }
}

export function decodeFields(buf: Buffer): Field[] {
  const fields: Field[] = []
  let pos = 0
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos)
    const number = Math.floor(tag / 8)
    const wireType = tag & 7
    pos = afterTag
    if (wireType === 0) {
      const [value, next] = readVarint(buf, pos)
      fields.push({ number, wireType, value })
      pos = next
    } else if (wireType === 2) {
      const [length, start] = readVarint(buf, pos)
      fields.push({ number, wireType, value: buf.subarray(start, start + length) })
      pos = start + length
    } else if (wireType === 5) {
      fields.push({ number, wireType, value: buf.readUInt32LE(pos) })
      pos += 4
    } else if (wireType === 1) {
      fields.push({ number, wireType, value: Number(buf.readBigUInt64LE(pos)) })
      pos += 8
    } else {
      throw new Error(`protobuf: unsupported wire type ${wireType}`)
    }
  }
  return fields
}

function varint(value: number): Buffer {
  const bytes: number[] = []
  // Negative int32 values are encoded as 10-byte two's complement varints.
  let v = value < 0 ? BigInt.asUintN(64, BigInt(value)) : BigInt(value)
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    bytes.push(byte)
  } while (v > 0n)
  return Buffer.from(bytes)
}

function bytesField(number: number, value: Buffer): Buffer {
  return Buffer.concat([varint(number * 8 + 2), varint(value.length), value])
}

function varintField(number: number, value: number): Buffer {
  return Buffer.concat([varint(number * 8), varint(value)])
}

export interface OpenApiRequest {
  apiType: number
  appid?: string
  pairs: Array<{ key: string; value: Buffer }>
}

/** CommApiData { 1: apiType, 2: OpenApiData { 1: repeated KeyValuePair { 1: key, 2: value } }, 6: appid } */
export function decodeCommApiData(buf: Buffer): OpenApiRequest {
  const request: OpenApiRequest = { apiType: 0, pairs: [] }
  for (const field of decodeFields(buf)) {
    if (field.number === 1 && typeof field.value === 'number') request.apiType = field.value
    if (field.number === 6 && Buffer.isBuffer(field.value)) request.appid = field.value.toString('utf8')
    if (field.number === 2 && Buffer.isBuffer(field.value)) {
      for (const pair of decodeFields(field.value)) {
        if (pair.number !== 1 || !Buffer.isBuffer(pair.value)) continue
        let key = ''
        let value = Buffer.alloc(0)
        for (const part of decodeFields(pair.value)) {
          if (part.number === 1 && Buffer.isBuffer(part.value)) key = part.value.toString('utf8')
          if (part.number === 2 && Buffer.isBuffer(part.value)) value = Buffer.from(part.value)
        }
        request.pairs.push({ key, value })
      }
    }
  }
  return request
}

/** CommOpenApiResp { 1: respData, 2: contentType, 3: errorCode, 4: httpCode } */
export function encodeCommOpenApiResp(response: {
  respData: Buffer
  contentType: string
  errorCode?: number
  httpCode?: number
}): Buffer {
  const parts = [bytesField(1, response.respData), bytesField(2, Buffer.from(response.contentType, 'utf8'))]
  if (response.errorCode) parts.push(varintField(3, response.errorCode))
  parts.push(varintField(4, response.httpCode ?? 200))
  return Buffer.concat(parts)
}
