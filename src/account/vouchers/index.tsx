import { Text } from '@tarojs/components'
import { memberApi } from '@/api'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import { VoucherCard } from './VoucherCard'
import './index.css'

const load = () => memberApi.vouchers()

/** 我的券 (6.4.2): the vouchers of the member's redemptions, to show at the counter. */
export default function VouchersPage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(load, privacy.status === 'agreed')

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    if (remote.data.vouchers.length === 0)
      return <Text className="vouchers__empty">暂无券。可在「积分兑换」中用积分兑换礼品。</Text>
    return remote.data.vouchers.map((voucher) => <VoucherCard key={voucher.code} voucher={voucher} />)
  }

  return (
    <PageShell name="vouchers" title="我的券" intro="到店时向柜台出示券码，核销后即完成兑换。">
      {content()}
    </PageShell>
  )
}
