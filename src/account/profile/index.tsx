import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useRemote } from '@/api/useRemote'
import { PageShell } from '@/components/PageShell'
import { usePrivacy } from '@/components/PrivacyAuthorization'
import { StatusView } from '@/components/StatusView'
import type { Profile } from '@/domain/member/model'
import { GuardianStep } from './GuardianStep'
import { loadProfilePage, type ProfilePageData } from './load'
import { OptionalInfoForm } from './OptionalInfoForm'
import { ProfileFacts } from './ProfileFacts'
import { useOptionalInfo } from './useOptionalInfo'
import './index.css'

function ProfileContent({ data, onReload }: { data: ProfilePageData; onReload: () => void }) {
  const [profile, setProfile] = useState<Profile>(data.profile)
  const form = useOptionalInfo(data, setProfile)
  return (
    <>
      {profile.status === 'guardian_pending' && <GuardianStep onDone={onReload} />}
      <Text className="page-shell__section">基本信息</Text>
      <ProfileFacts profile={profile} onSaved={setProfile} />
      <Text className="page-shell__section">选填信息（可随时修改或删除）</Text>
      <OptionalInfoForm form={form} />
    </>
  )
}

/** 个人资料 (4.2.1.1, L-8, 7.2): own data in clear, each item corrected and each optional one deleted. */
export default function ProfilePage() {
  const privacy = usePrivacy()
  const [remote, reload] = useRemote(loadProfilePage, privacy.status === 'agreed')

  const content = () => {
    if (remote.state === 'failed')
      return <StatusView state="failed" failure={remote.failure} onRetry={reload} />
    if (remote.state === 'loading') return <StatusView state="loading" />
    return <ProfileContent key={remote.data.profile.status} data={remote.data} onReload={reload} />
  }

  return (
    <PageShell name="profile" title="个人资料" intro="这里显示的是您本人的完整信息，仅您本人可见。">
      <View className="profile">{content()}</View>
    </PageShell>
  )
}
