import { Text, View } from '@tarojs/components'
import { Button } from '@nutui/nutui-react-taro'
import { useState } from 'react'
import { memberApi } from '@/api'
import { FormAlert } from '@/components/FormAlert'
import { PageShell } from '@/components/PageShell'
import { PlateDisplay, PlateKeyboard } from '@/components/PlateKeyboard'
import type { ParkingQuote } from '@/domain/contracts/parking'
import type { Failure } from '@/domain/errors'
import { isValidPlate } from '@/domain/plate/model'
import { ParkingFee } from '../components/ParkingFee'
import { ParkingPay } from '../components/ParkingPay'
import '../components/parking.css'

/**
 * 临时车缴费 (issue #12, L-3): anyone types a plate on the plate keyboard and pays its fee — no
 * sign-up, no member data; the plate stays only in the parking session. No cloud call on load.
 */
export default function TempParkingPage() {
  const [plate, setPlate] = useState('')
  const [quote, setQuote] = useState<ParkingQuote>()
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [paidUntil, setPaidUntil] = useState<string>()
  const valid = isValidPlate(plate)

  const handleLookup = async () => {
    if (!valid) return
    setBusy(true)
    setFailure(undefined)
    const answer = await memberApi.parkingByPlate({ plate })
    setBusy(false)
    if (answer.ok) setQuote(answer.data.session)
    else setFailure(answer)
  }

  if (quote)
    return (
      <PageShell name="parking-temp" title="临时车缴费" intro="无需注册会员，支付后请在离场时间内出场。">
        <ParkingFee quote={paidUntil ? { ...quote, phase: 'window', paidUntil } : quote} />
        {(quote.phase !== 'window' || paidUntil) && (
          <ParkingPay quote={quote} plate={plate} onPaid={(p) => setPaidUntil(p.windowUntil ?? undefined)} />
        )}
      </PageShell>
    )

  return (
    <PageShell name="parking-temp" title="临时车缴费" intro="输入车牌号查询停车费，无需注册会员。">
      <View className="card">
        <Text className="card__title">车牌号</Text>
        <PlateDisplay value={plate} active />
        {failure && <FormAlert message={failure.message} />}
        <Button
          type="primary"
          block
          size="large"
          className="parking-temp__lookup"
          disabled={!valid}
          loading={busy}
          onClick={handleLookup}
        >
          查询停车费
        </Button>
      </View>
      <View className="parking-temp__keyboard">
        <PlateKeyboard value={plate} onChange={setPlate} onDone={handleLookup} />
      </View>
    </PageShell>
  )
}
