import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { chooseTextFile } from '@/api/files'
import { staffApi } from '@/api/staff'
import { ChoiceChips } from '@/components/ChoiceChips'
import { FormAlert } from '@/components/FormAlert'
import { FormField } from '@/components/FormField'
import { PageShell } from '@/components/PageShell'
import { StatusView } from '@/components/StatusView'
import {
  batchesOf,
  checkRows,
  readCardFile,
  type ImportRow,
  type RowProblem,
} from '@/domain/cardImport/model'
import type { CardImportResult } from '@/domain/contracts/cardImport'
import { ERROR_MESSAGES, type Failure } from '@/domain/errors'
import { useStaffContext } from '../useStaffContext'
import './index.css'

/** Problem rows shown at most; the counts say how many there are. */
const SHOWN_PROBLEMS = 200

interface Loaded {
  fileName: string
  /** Rows that passed the checks on the device, in batches as the function takes them. */
  batches: ImportRow[][]
  total: number
  /** Problems found on the device (format, repeats). */
  local: RowProblem[]
}

interface Progress {
  kind: 'dryRun' | 'import'
  /** Batches answered so far: a resumed import continues from here. */
  done: number
  imported: number
  alreadyImported: number
  problems: RowProblem[]
  finished: boolean
}

const startOf = (kind: Progress['kind']): Progress => ({
  kind,
  done: 0,
  imported: 0,
  alreadyImported: 0,
  problems: [],
  finished: false,
})

const added = (progress: Progress, result: CardImportResult): Progress => ({
  ...progress,
  done: progress.done + 1,
  imported: progress.imported + result.imported,
  alreadyImported: progress.alreadyImported + result.alreadyImported,
  problems: [...progress.problems, ...result.problems],
})

/** 导入会员卡: a CSV file of pre-issued cards, a dry run, then the import in batches. */
export default function CardImportPage() {
  const [context, reload] = useStaffContext()
  const [storeId, setStoreId] = useState('')
  const [loaded, setLoaded] = useState<Loaded>()
  const [progress, setProgress] = useState<Progress>()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const staff = context.state === 'ready' ? context.data.staff : null
  const stores = context.state === 'ready' ? context.data.stores : []
  /** The stores the caller may import for: a manager's own, every store for an admin. */
  const options = !staff
    ? []
    : staff.storeIds.length === 0
      ? stores
      : stores.filter((s) => staff.storeIds.includes(s.id))
  const store = storeId || (options.length === 1 ? options[0].id : '')

  const choose = async () => {
    setFailure(undefined)
    const chosen = await chooseTextFile(['csv'])
    if (!chosen.ok) {
      if (chosen.reason === 'tooLarge')
        setFailure({ ok: false, code: 'INVALID_ARGUMENT', message: '文件过大，请拆分后导入' })
      if (chosen.reason === 'unreadable')
        setFailure({
          ok: false,
          code: 'INVALID_ARGUMENT',
          message: '无法读取该文件，请确认是 UTF-8 编码的 CSV 文件',
        })
      return
    }
    const read = readCardFile(chosen.file.text)
    if (!read.ok) {
      const where = read.line ? `（第 ${read.line} 行）` : ''
      setFailure({ ok: false, code: read.code, message: `${ERROR_MESSAGES[read.code]}${where}` })
      setLoaded(undefined)
      return
    }
    const { problems } = checkRows(read.rows, read.columnsOff)
    const refused = new Set(problems.map((p) => p.row))
    const sendable = read.rows.filter((row) => !refused.has(row.row))
    setLoaded({
      fileName: chosen.file.name,
      batches: batchesOf(sendable),
      total: read.rows.length,
      local: problems,
    })
    setProgress(undefined)
  }

  /** Sends the batches from where `from` stopped; stops at the first failed call (resumable). */
  const run = async (from: Progress) => {
    if (!loaded || !store) return
    setBusy(true)
    setFailure(undefined)
    let current = from
    setProgress(current)
    const call = current.kind === 'dryRun' ? staffApi.dryRunCardImport : staffApi.importCards
    for (let i = current.done; i < loaded.batches.length; i++) {
      const answer = await call({ storeId: store, rows: loaded.batches[i] })
      if (!answer.ok) {
        setFailure(answer)
        setBusy(false)
        return
      }
      current = added(current, answer.data)
      setProgress(current)
    }
    setProgress({ ...current, finished: true })
    setBusy(false)
  }

  const content = () => {
    if (context.state === 'loading') return <StatusView state="loading" />
    if (context.state === 'failed')
      return <StatusView state="failed" failure={context.failure} onRetry={reload} />
    if (!staff || (staff.role !== 'manager' && staff.role !== 'admin'))
      return <Text className="card-import__text">只有店长或管理员可以导入会员卡。</Text>
    const problems = [...(loaded?.local ?? []), ...(progress?.problems ?? [])].sort((a, b) => a.row - b.row)
    const batches = loaded?.batches.length ?? 0
    const importing = progress?.kind === 'import'
    const resumable = !busy && progress && !progress.finished && progress.done < batches
    return (
      <>
        <View className="card card-import__form">
          <FormField name="store" label="发卡门店" required>
            <ChoiceChips
              name="store"
              options={options.map((s) => ({ value: s.id, label: s.name }))}
              value={store}
              onChange={(value) => value && setStoreId(value)}
            />
          </FormField>
          <Text className="card-import__text">
            CSV 文件的表头：卡号,手机号,姓名,等级,期初积分（UTF-8 编码）。文件只在本机读取，不会上传保存。
          </Text>
          <Button block className="card-import__choose" disabled={busy} onClick={choose}>
            {loaded ? `已选择：${loaded.fileName}（${loaded.total} 行），重新选择` : '选择 CSV 文件'}
          </Button>
        </View>
        {failure && (
          <View className="page-shell__alert">
            <FormAlert message={failure.message} />
          </View>
        )}
        {loaded && (
          <View className="card-import__actions">
            <Button
              block
              className="card-import__dry-run"
              disabled={busy || !store || batches === 0}
              loading={busy && progress?.kind === 'dryRun'}
              onClick={() => run(startOf('dryRun'))}
            >
              试运行
            </Button>
            <Button
              type="primary"
              block
              className="card-import__import"
              disabled={busy || !store || batches === 0 || importing}
              loading={busy && importing}
              onClick={() => run(startOf('import'))}
            >
              导入
            </Button>
            {resumable && importing && (
              <Button type="primary" block className="card-import__resume" onClick={() => run(progress)}>
                继续导入剩余 {batches - progress.done} 批
              </Button>
            )}
          </View>
        )}
        {progress && (
          <View className="card card-import__summary">
            <Text className="card__title">
              {progress.kind === 'dryRun' ? '试运行' : '导入'}
              {progress.finished ? '完成' : busy ? '进行中' : '已暂停'}
            </Text>
            <Text className="card-import__progress">
              第 {progress.done} / {batches} 批
            </Text>
            <Text className="card-import__count">
              {progress.kind === 'dryRun' ? '可导入' : '已导入'} {progress.imported} 张；之前已导入{' '}
              {progress.alreadyImported} 张；有问题 {problems.length} 行
            </Text>
          </View>
        )}
        {loaded && problems.length > 0 && (
          <View className="card card-import__problems">
            <Text className="card__title">有问题的行（{problems.length}）</Text>
            {problems.slice(0, SHOWN_PROBLEMS).map((p) => (
              <View key={`${p.row}-${p.code}`} className="card-import__problem">
                <Text className="card-import__row">第 {p.row} 行</Text>
                <Text className="card-import__card-no">{p.cardNo || '（无卡号）'}</Text>
                <Text className="card-import__reason">{p.message}</Text>
              </View>
            ))}
            {problems.length > SHOWN_PROBLEMS && (
              <Text className="card-import__text">
                仅显示前 {SHOWN_PROBLEMS} 行，请修改文件后重新试运行。
              </Text>
            )}
          </View>
        )}
      </>
    )
  }

  return (
    <PageShell name="card-import" title="导入会员卡">
      {content()}
    </PageShell>
  )
}
