/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's storage answers are untyped */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import cloud from 'wx-server-sdk'
import { createRequestHandler } from '../../local-cloud/server/app'
import { createSessionStore } from '../../local-cloud/server/sessions'
import { createLocalCloud, type LocalCloud } from '../../local-cloud/runtime'
import { failure, testManifest } from './helpers'
import { close, cookieOf, listen, request } from './server/request'

const sdk = cloud as any
sdk.init({ env: sdk.DYNAMIC_CURRENT_ENV })

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

let local: LocalCloud
let dataDir: string | undefined

afterEach(() => {
  local?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  dataDir = undefined
})

describe('cloud storage through wx-server-sdk', () => {
  it('uploads, downloads, serves a temporary URL and deletes a file, with the SDK answers', async () => {
    local = createLocalCloud({ manifest: testManifest }).use()
    const uploaded = await sdk.uploadFile({ cloudPath: 'receipts/a.png', fileContent: PNG })
    expect(uploaded).toEqual({
      fileID: 'cloud://local-cloud.local-cloud-1250000000/receipts/a.png',
      statusCode: 200,
      errMsg: 'uploadFile:ok',
    })
    const downloaded = await sdk.downloadFile({ fileID: uploaded.fileID })
    expect(Buffer.compare(downloaded.fileContent, PNG)).toBe(0)

    const temp = await sdk.getTempFileURL({
      fileList: [{ fileID: uploaded.fileID, maxAge: 600 }, 'cloud://x/y'],
    })
    expect(temp.fileList[0]).toMatchObject({ fileID: uploaded.fileID, status: 0, maxAge: 600 })
    expect(temp.fileList[1]).toMatchObject({ status: -1, errMsg: 'STORAGE_FILE_NONEXIST', tempFileURL: '' })
    const url = temp.fileList[0].tempFileURL as string
    expect(url).toMatch(/^\/api\/storage\/temp\/[\w-]+$/)
    expect(local.storage.readTemp(url)?.equals(PNG)).toBe(true)

    const deleted = await sdk.deleteFile({ fileList: [uploaded.fileID, uploaded.fileID] })
    expect(deleted.fileList.map((f: any) => f.status)).toEqual([0, -1])
    expect(local.storage.readTemp(url)).toBeUndefined()
    const error = await failure(sdk.downloadFile({ fileID: uploaded.fileID }))
    expect(String(error.errMsg)).toMatch(/downloadFile:fail STORAGE_FILE_NONEXIST/)
  })

  it('records the uploading user as the owner, and refuses paths that climb out', async () => {
    local = createLocalCloud({
      manifest: testManifest,
      functions: {
        up: () => ({
          main: async () =>
            (await sdk.uploadFile({ cloudPath: 'x/own.bin', fileContent: Buffer.from('x') })).fileID,
        }),
      },
    }).use()
    const fileID = (await local.invoke('up', {}, { OPENID: 'o-shopper' })) as string
    expect(local.storage.stat(fileID)?.owner).toBe('o-shopper')
    for (const cloudPath of ['../etc/passwd', '/abs.png', 'a//b.png', 'a/../b.png']) {
      const error = await failure(sdk.uploadFile({ cloudPath, fileContent: Buffer.from('x') }))
      expect(String(error.errMsg)).toMatch(/uploadFile:fail INVALID_PATH/)
    }
  })

  it('keeps files under the data directory per environment and removes them from disk when deleted', async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'lc-storage-'))
    local = createLocalCloud({ manifest: testManifest, dataDir }).use()
    const { fileID } = await sdk.uploadFile({ cloudPath: 'receipts/b.png', fileContent: PNG })
    const onDisk = path.join(dataDir, 'storage', 'local-cloud', 'receipts', 'b.png')
    expect(readFileSync(onDisk).equals(PNG)).toBe(true)
    local.close()
    local = createLocalCloud({ manifest: testManifest, dataDir }).use()
    expect(local.storage.read(fileID)?.equals(PNG)).toBe(true)
    await sdk.deleteFile({ fileList: [fileID] })
    expect(existsSync(onDisk)).toBe(false)
  })
})

describe('cloud storage over the local HTTP API', () => {
  let server: http.Server
  afterEach(() => close(server))

  it('an H5 upload is owned by the browser session; temporary URLs serve the image; nothing else reads files', async () => {
    local = createLocalCloud({ manifest: testManifest }).use()
    const sessions = createSessionStore({ staff: {} })
    server = http.createServer(
      createRequestHandler({ cloud: local, functions: [], staticDir: os.tmpdir(), sessions }),
    )
    await listen(server)
    const first = await request(server, 'GET', '/api/dev/session')
    const cookie = cookieOf(first)
    const { openid } = first.json() as { openid: string }

    const answer = await request(server, 'POST', '/api/storage/upload?cloudPath=receipts/h5.png', {
      body: PNG,
      headers: { cookie, 'content-type': 'application/octet-stream' },
    })
    expect(answer.status).toBe(200)
    const { fileID } = answer.json() as { fileID: string }
    expect(local.storage.stat(fileID)?.owner).toBe(openid)
    expect(
      (
        await request(server, 'POST', '/api/storage/upload?cloudPath=../x', {
          body: PNG,
          headers: { cookie },
        })
      ).status,
    ).toBe(400)

    const url = local.storage.tempUrl(fileID, 60) as string
    const served = await request(server, 'GET', url)
    expect(served.status).toBe(200)
    expect(served.headers['content-type']).toBe('image/png')
    expect((await request(server, 'GET', '/api/storage/temp/not-a-token')).status).toBe(404)
    expect((await request(server, 'GET', `/api/storage/${encodeURIComponent(fileID)}`)).status).toBe(404)
  })
})
