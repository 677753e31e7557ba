/**
 * Cloud storage as the functions use it (receipt photos): read a file, hand out a short-lived URL
 * for a reviewer, delete files. Over wx-server-sdk's storage API (local-cloud answers it locally).
 */

/** The part of wx-server-sdk's storage API used here. */
export interface StorageApi {
  downloadFile(options: { fileID: string }): Promise<{ fileContent: Buffer }>
  getTempFileURL(options: { fileList: Array<{ fileID: string; maxAge: number }> }): Promise<{
    fileList: Array<{ fileID: string; tempFileURL: string; status: number }>
  }>
  deleteFile(options: {
    fileList: string[]
  }): Promise<{ fileList: Array<{ fileID: string; status: number }> }>
}

export interface FileStore {
  /** The file's bytes; null when it does not exist (or cannot be read). */
  download(fileId: string): Promise<Buffer | null>
  /** Temporary URLs by file id (missing files are left out). */
  tempUrls(fileIds: string[], maxAgeS: number): Promise<Map<string, string>>
  /** Deletes the files; one already gone counts as deleted. Throws when storage fails. */
  remove(fileIds: string[]): Promise<void>
}

/** getTempFileURL takes at most 50 files per call. */
const TEMP_URL_BATCH = 50

export function createFileStore(api: StorageApi): FileStore {
  return {
    async download(fileId) {
      try {
        return Buffer.from((await api.downloadFile({ fileID: fileId })).fileContent)
      } catch (_error) {
        return null
      }
    },

    async tempUrls(fileIds, maxAgeS) {
      const urls = new Map<string, string>()
      for (let i = 0; i < fileIds.length; i += TEMP_URL_BATCH) {
        const fileList = fileIds.slice(i, i + TEMP_URL_BATCH).map((fileID) => ({ fileID, maxAge: maxAgeS }))
        const answer = await api.getTempFileURL({ fileList })
        for (const file of answer.fileList) if (file.status === 0) urls.set(file.fileID, file.tempFileURL)
      }
      return urls
    },

    async remove(fileIds) {
      if (fileIds.length === 0) return
      // A file already gone (status -1) is what a retry after a cut-short call finds.
      await api.deleteFile({ fileList: fileIds })
    },
  }
}
