import { Input, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { memberApi } from '@/api'
import { ChoiceChips } from '@/components/ChoiceChips'
import { BIRTH_DATE_RANGE, PickerField } from '@/components/PickerField'
import { updateProfileSchema, type ProfileChanges } from '@/domain/contracts/member'
import { chinaDate } from '@/domain/dates'
import { ERROR_MESSAGES } from '@/domain/errors'
import { fieldProblem } from '@/domain/input'
import { PROVINCES, provinceName } from '@/domain/identity/regions'
import { GENDERS } from '@/domain/identity/rules'
import type { Profile, StoreOption } from '@/domain/member/model'

/** The items corrected here; the optional ones can also be deleted (7.2). */
type Item = 'name' | 'gender' | 'province' | 'birthDate' | 'storeId'

const OPTIONAL: ReadonlySet<Item> = new Set<Item>(['gender', 'province', 'birthDate'])
const PROVINCE_OPTIONS = PROVINCES.map((p) => ({ value: p.code, label: p.name }))
const storeLabel = (s: StoreOption) => `${s.city} · ${s.name}`

function stored(profile: Profile, item: Item): string {
  return item === 'storeId' ? profile.store.id : (profile[item] ?? '')
}

function Editor(props: {
  item: Item
  value: string
  stores?: StoreOption[]
  onChange: (value: string) => void
}) {
  const { item, value, stores, onChange } = props
  const today = chinaDate(Date.now())
  switch (item) {
    case 'name':
      return (
        <Input
          className="profile-facts__input profile-facts__input--name"
          value={value}
          maxlength={updateProfileSchema.fields.name.maxLength}
          onInput={(e) => onChange(e.detail.value)}
        />
      )
    case 'gender':
      return (
        <ChoiceChips
          name="gender"
          options={GENDERS}
          value={value as '' | 'male' | 'female'}
          onChange={onChange}
        />
      )
    case 'province':
      return (
        <PickerField
          mode="selector"
          name="province"
          options={PROVINCE_OPTIONS}
          value={value}
          placeholder="请选择"
          onChange={onChange}
        />
      )
    case 'birthDate':
      return (
        <PickerField
          mode="date"
          name="birthDate"
          {...BIRTH_DATE_RANGE}
          end={today}
          value={value}
          placeholder="请选择"
          onChange={onChange}
        />
      )
    case 'storeId':
      return (
        <PickerField
          mode="selector"
          name="storeId"
          options={(stores ?? []).map((s) => ({ value: s.id, label: storeLabel(s) }))}
          value={value}
          placeholder={stores ? '请选择' : '加载中…'}
          onChange={onChange}
        />
      )
  }
}

/**
 * The member's own data in clear (L-7: the viewer is the member); every item can be corrected
 * here and each optional one deleted, after a confirmation (L-8, 7.2).
 */
export function ProfileFacts({
  profile,
  onSaved,
}: {
  profile: Profile
  onSaved: (profile: Profile) => void
}) {
  const [editing, setEditing] = useState<Item>()
  const [deleting, setDeleting] = useState<Item>()
  const [draft, setDraft] = useState('')
  const [message, setMessage] = useState<string>()
  const [busy, setBusy] = useState(false)
  const [stores, setStores] = useState<StoreOption[]>()

  const close = () => {
    setEditing(undefined)
    setDeleting(undefined)
    setMessage(undefined)
  }

  const send = async (changes: ProfileChanges) => {
    setBusy(true)
    const result = await memberApi.updateProfile(changes)
    setBusy(false)
    if (!result.ok) {
      setMessage(result.message)
      return
    }
    close()
    onSaved(result.data.profile)
  }

  const edit = (item: Item) => {
    close()
    setEditing(item)
    setDraft(stored(profile, item))
    if (item === 'storeId' && !stores)
      void memberApi.joinForm().then((answer) => {
        if (answer.ok) setStores(answer.data.stores)
        else setMessage(answer.message)
      })
  }

  const save = (item: Item) => {
    // The function's own rule, checked on the device first.
    const problem = fieldProblem(updateProfileSchema, item, draft, chinaDate(Date.now()))
    if (problem) {
      setMessage(ERROR_MESSAGES[problem])
      return
    }
    if (draft.trim() === stored(profile, item)) {
      close()
      return
    }
    void send({ [item]: draft.trim() })
  }

  const rows: [string, string, string, Item?][] = [
    ['name', '姓名', profile.name, 'name'],
    ['phone', '手机号', profile.phone],
    ['gender', '性别', GENDERS.find((g) => g.value === profile.gender)?.label ?? '未填写', 'gender'],
    [
      'province',
      '所在省份',
      profile.province ? provinceName(profile.province) || profile.province : '未填写',
      'province',
    ],
    ['birthDate', '出生日期', profile.birthDate ?? '未填写', 'birthDate'],
    ['store', '服务门店', profile.store.name, 'storeId'],
    ['memberNo', '会员号', profile.memberNo],
    ['card', '会员卡', profile.card ? profile.card.cardNo : '未绑定'],
  ]
  return (
    <View className="card profile-facts">
      {rows.map(([key, label, value, item]) => (
        <View key={key} className={`profile-facts__row profile-facts__row--${key}`}>
          <View className="profile-facts__line">
            <Text className="profile-facts__label">{label}</Text>
            <Text className="profile-facts__value">{value}</Text>
            {item && profile.status === 'active' && (
              <View className="profile-facts__actions">
                <Text
                  className={`profile-facts__edit profile-facts__edit--${item}`}
                  onClick={() => edit(item)}
                >
                  修改
                </Text>
                {OPTIONAL.has(item) && stored(profile, item) !== '' && (
                  <Text
                    className={`profile-facts__delete profile-facts__delete--${item}`}
                    onClick={() => {
                      close()
                      setDeleting(item)
                    }}
                  >
                    删除
                  </Text>
                )}
              </View>
            )}
          </View>
          {item && editing === item && (
            <View className={`profile-facts__editor profile-facts__editor--${item}`}>
              <Editor item={item} value={draft} stores={stores} onChange={setDraft} />
              <View className="profile-facts__buttons">
                <Text className="profile-facts__save" onClick={() => !busy && save(item)}>
                  保存
                </Text>
                <Text className="profile-facts__cancel" onClick={close}>
                  取消
                </Text>
              </View>
            </View>
          )}
          {item && deleting === item && (
            <View className={`profile-facts__confirm profile-facts__confirm--${item}`}>
              <Text className="profile-facts__question">确定删除{label}吗？删除后立即生效。</Text>
              <View className="profile-facts__buttons">
                <Text
                  className="profile-facts__confirm-delete"
                  onClick={() => !busy && void send({ [item]: null })}
                >
                  删除
                </Text>
                <Text className="profile-facts__cancel" onClick={close}>
                  取消
                </Text>
              </View>
            </View>
          )}
          {item && (editing === item || deleting === item) && message && (
            <Text className="profile-facts__error">{message}</Text>
          )}
        </View>
      ))}
    </View>
  )
}
