/**
 * Choosing a text file on the device and reading it (CSV imports): in the browser an
 * `<input type="file">`, in WeChat a file from a chat (chooseMessageFile) read with the file
 * system manager. Pages call this, never the platform APIs. The text stays on the device: the
 * page sends what it parsed, never the file.
 */
import Taro from '@tarojs/taro'

const isWeapp = process.env.TARO_ENV === 'weapp'

export interface ChosenFile {
  name: string
  text: string
}

/** Larger files than any card list: refused before reading. */
export const FILE_MAX_BYTES = 20 * 1024 * 1024

export type ChooseResult =
  { ok: true; file: ChosenFile } | { ok: false; reason: 'cancelled' | 'tooLarge' | 'unreadable' }

function chooseInBrowser(extensions: string[]): Promise<ChooseResult> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = extensions.map((e) => `.${e}`).join(',')
    input.style.display = 'none'
    input.addEventListener('change', () => {
      const file = input.files?.[0]
      input.remove()
      if (!file) return resolve({ ok: false, reason: 'cancelled' })
      if (file.size > FILE_MAX_BYTES) return resolve({ ok: false, reason: 'tooLarge' })
      file.text().then(
        (text) => resolve({ ok: true, file: { name: file.name, text } }),
        () => resolve({ ok: false, reason: 'unreadable' }),
      )
    })
    input.addEventListener('cancel', () => {
      input.remove()
      resolve({ ok: false, reason: 'cancelled' })
    })
    document.body.appendChild(input)
    input.click()
  })
}

/** WeChat's chooser with callbacks: Taro promisifies only the APIs on its list, and this one is not. */
function chooseMessageFile(extensions: string[]): Promise<Taro.chooseMessageFile.ChooseFile | undefined> {
  return new Promise((resolve) => {
    Taro.chooseMessageFile({
      count: 1,
      type: 'file',
      extension: extensions,
      success: ({ tempFiles }) => resolve(tempFiles[0]),
      fail: () => resolve(undefined),
    })
  })
}

async function chooseInWeapp(extensions: string[]): Promise<ChooseResult> {
  const chosen = await chooseMessageFile(extensions)
  if (!chosen) return { ok: false, reason: 'cancelled' }
  if (chosen.size > FILE_MAX_BYTES) return { ok: false, reason: 'tooLarge' }
  return new Promise((resolve) => {
    Taro.getFileSystemManager().readFile({
      filePath: chosen.path,
      encoding: 'utf8',
      success: ({ data }) => resolve({ ok: true, file: { name: chosen.name, text: String(data) } }),
      fail: () => resolve({ ok: false, reason: 'unreadable' }),
    })
  })
}

/** Lets the user choose one file with one of `extensions` (no dot) and answers its text (UTF-8). */
export function chooseTextFile(extensions: string[]): Promise<ChooseResult> {
  return isWeapp ? chooseInWeapp(extensions) : chooseInBrowser(extensions)
}
