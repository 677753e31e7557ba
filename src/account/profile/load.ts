import { memberApi } from '@/api'
import type { Result } from '@/domain/errors'
import type { Profile } from '@/domain/member/model'

export interface ProfilePageData {
  profile: Profile
  /** Whether the separate ID-number consent is in force (L-4). */
  idConsent: boolean
}

/** The profile and whether the ID-number consent is granted: one cloud call on load. */
export async function loadProfilePage(): Promise<Result<ProfilePageData>> {
  const answer = await memberApi.profile()
  if (!answer.ok) return answer
  return { ok: true, data: { profile: answer.data.profile, idConsent: answer.data.profile.idNumberConsent } }
}
