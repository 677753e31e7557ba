import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * Cloud storage of one environment, as far as the project uses it: files named
 * `cloud://<env>.<bucket>/<cloudPath>`, each with its owner (the OPENID that uploaded it, '' for a
 * function), read back by functions (`downloadFile`), shown through short-lived temporary URLs
 * (`getTempFileURL`) and deleted (`deleteFile`). With a data directory the files live under
 * `storage/<env>/`, else in memory. Clients never read a file by its id: only through a temporary
 * URL a function asked for, as with CloudBase's "only functions read" storage rule.
 */

export interface StoredFile {
  fileID: string
  owner: string
  size: number
  uploadedAt: number
}

/** The longest a temporary URL lives (CloudBase's default maxAge is a day). */
export const TEMP_URL_MAX_AGE_S = 86400
export const TEMP_URL_PREFIX = '/api/storage/temp/'
/** Larger uploads are refused (the mini-program's own limit for photos is far above a receipt's). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024

/** What CloudBase names a file or an object missing in a per-file answer. */
export const FILE_NOT_FOUND = 'STORAGE_FILE_NONEXIST'

const CLOUD_PATH = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,255}$/

export class StorageError extends Error {
  constructor(readonly code: 'INVALID_PATH' | 'TOO_LARGE' | 'NOT_FOUND') {
    super(code)
  }
}

export class CloudStorage {
  readonly bucket: string
  private readonly meta = new Map<string, StoredFile>()
  private readonly memory = new Map<string, Buffer>()
  private readonly temps = new Map<string, { fileID: string; until: number }>()
  private readonly dir: string | undefined

  constructor(
    readonly env: string,
    dataDir?: string,
    private readonly now: () => number = Date.now,
  ) {
    this.bucket = `${env}-1250000000`
    if (dataDir) {
      // Created by the first upload: a data directory without files has no storage folder.
      this.dir = path.join(dataDir, 'storage', env)
      const index = this.indexFile()
      if (fs.existsSync(index)) {
        for (const file of JSON.parse(fs.readFileSync(index, 'utf8')) as StoredFile[])
          this.meta.set(file.fileID, file)
      }
    }
  }

  /** The file id of a cloud path of this environment. */
  fileIdOf(cloudPath: string): string {
    return `cloud://${this.env}.${this.bucket}/${cloudPath}`
  }

  upload(cloudPath: string, content: Buffer, owner: string): StoredFile {
    if (!CLOUD_PATH.test(cloudPath) || cloudPath.split('/').some((part) => part === '..' || part === ''))
      throw new StorageError('INVALID_PATH')
    if (content.length > MAX_FILE_BYTES) throw new StorageError('TOO_LARGE')
    const file: StoredFile = {
      fileID: this.fileIdOf(cloudPath),
      owner,
      size: content.length,
      uploadedAt: this.now(),
    }
    if (this.dir) {
      const target = path.join(this.dir, cloudPath)
      fs.mkdirSync(path.dirname(target), { recursive: true })
      fs.writeFileSync(target, content)
    } else this.memory.set(file.fileID, Buffer.from(content))
    this.meta.set(file.fileID, file)
    this.saveIndex()
    return file
  }

  stat(fileID: string): StoredFile | undefined {
    return this.meta.get(fileID)
  }

  read(fileID: string): Buffer | undefined {
    if (!this.meta.has(fileID)) return undefined
    if (!this.dir) return this.memory.get(fileID)
    return fs.readFileSync(path.join(this.dir, this.pathOf(fileID)))
  }

  /** False when there was no such file. The temporary URLs of a deleted file stop at once. */
  delete(fileID: string): boolean {
    if (!this.meta.delete(fileID)) return false
    if (this.dir) fs.rmSync(path.join(this.dir, this.pathOf(fileID)), { force: true })
    else this.memory.delete(fileID)
    for (const [token, temp] of this.temps) if (temp.fileID === fileID) this.temps.delete(token)
    this.saveIndex()
    return true
  }

  /** A URL path that reads the file for `maxAge` seconds; undefined for a missing file. */
  tempUrl(fileID: string, maxAge: number = TEMP_URL_MAX_AGE_S): string | undefined {
    if (!this.meta.has(fileID)) return undefined
    const token = randomBytes(18).toString('base64url')
    const seconds = Math.max(1, Math.min(TEMP_URL_MAX_AGE_S, Math.floor(maxAge)))
    this.temps.set(token, { fileID, until: this.now() + seconds * 1000 })
    return `${TEMP_URL_PREFIX}${token}`
  }

  /** The content a temporary URL (or its token) reads, while it lives. */
  readTemp(urlOrToken: string): Buffer | undefined {
    const token = urlOrToken.startsWith(TEMP_URL_PREFIX)
      ? urlOrToken.slice(TEMP_URL_PREFIX.length)
      : urlOrToken
    const temp = this.temps.get(token)
    if (!temp) return undefined
    if (temp.until <= this.now()) {
      this.temps.delete(token)
      return undefined
    }
    return this.read(temp.fileID)
  }

  /** Files stored now (tests check that deletions happened). */
  list(): StoredFile[] {
    return [...this.meta.values()]
  }

  private pathOf(fileID: string): string {
    const prefix = `cloud://${this.env}.${this.bucket}/`
    if (!fileID.startsWith(prefix)) throw new StorageError('NOT_FOUND')
    return fileID.slice(prefix.length)
  }

  private indexFile(): string {
    return path.join(this.dir as string, '.files.json')
  }

  private saveIndex(): void {
    if (!this.dir) return
    fs.mkdirSync(this.dir, { recursive: true })
    fs.writeFileSync(this.indexFile(), JSON.stringify([...this.meta.values()]))
  }
}
