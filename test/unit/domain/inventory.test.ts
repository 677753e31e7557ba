import {
  CHILD_DATA,
  ENCRYPTED_FIELDS,
  INVENTORY,
  inventoryField,
  isSensitive,
  JOIN_FIELDS,
  KEPT_RECORDS,
  keptRecord,
} from '@/domain/identity/inventory'
import { GUARDIAN_PENDING_DAYS } from '@/domain/member/rules'
import { PURPOSES } from '@/domain/consent/purposes'

describe('data inventory', () => {
  it('[4.1.1] gives every field at least one declared purpose', () => {
    for (const field of INVENTORY) {
      expect(field.purposes.length).toBeGreaterThan(0)
      for (const purpose of field.purposes) expect(PURPOSES[purpose]).toBeTruthy()
    }
  })

  it('[4.1.3][L-3] requires only the WeChat identifier, name, phone and service store, besides what the programme records itself', () => {
    expect(INVENTORY.filter((f) => f.required).map((f) => f.key)).toEqual([
      'openid',
      'name',
      'phone',
      'memberNo',
      'storeId',
      'channel',
    ])
  })

  it('[3.1] declares the service store, member number, channel and the member code’s secret', () => {
    for (const key of ['storeId', 'memberNo', 'source', 'channel'] as const)
      expect(inventoryField(key)).toMatchObject({
        store: 'member',
        purposes: ['membership'],
        sensitive: false,
      })
    expect(inventoryField('storeId').label).toBe('服务门店')
    expect(inventoryField('memberNo').label).toBe('会员号')
    expect(inventoryField('source')).toMatchObject({
      label: '入会渠道',
      category: 'activity',
      required: false,
    })
    expect(inventoryField('channel')).toMatchObject({ label: '入会平台', category: 'activity' })
    expect(inventoryField('memberCode')).toMatchObject({
      label: '会员码密钥',
      store: 'memberCode',
      encrypted: true,
      mask: 'hidden',
      retention: { until: 'cancellation', text: expect.stringContaining('注销会员时立即删除') },
    })
  })

  it('[L-4] never requires a sensitive field and serves it under a sensitive purpose only', () => {
    for (const field of INVENTORY.filter((f) => f.sensitive)) {
      expect(field.required).toBe(false)
      expect(field.purposes.every((p) => PURPOSES[p].sensitive)).toBe(true)
    }
  })

  it('[5.1] keeps no identity-store field in plaintext: each is encrypted or only blind-indexed', () => {
    for (const field of INVENTORY.filter((f) => f.store !== 'member')) {
      expect(field.encrypted || field.blindIndex).toBe(true)
    }
    expect(ENCRYPTED_FIELDS).toEqual(
      expect.arrayContaining(['name', 'phone', 'birthDate', 'idNumber', 'plates']),
    )
  })

  it('[3.2] encrypts and masks every sensitive field', () => {
    for (const field of INVENTORY.filter((f) => f.sensitive)) {
      expect(field.encrypted).toBe(true)
      expect(field.mask).not.toBe('none')
    }
  })

  it('[4.2.1.1] asks the join form for name, gender, province, birth date and phone', () => {
    expect(JOIN_FIELDS).toEqual(['name', 'gender', 'province', 'birthDate', 'phone'])
    for (const key of JOIN_FIELDS) expect(inventoryField(key).collectedAt).toBe('join')
  })

  it('[3.2] flags every field of a child aged 14 or under sensitive, and only the sensitive ones of others', () => {
    expect(CHILD_DATA).toMatchObject({ maxAge: 14, sensitive: true })
    for (const field of INVENTORY) {
      expect(isSensitive(field.key, { child: true })).toBe(true)
      expect(isSensitive(field.key, { child: false })).toBe(field.sensitive)
    }
  })

  it('[L-5] declares how long a child waiting for a guardian is held, and with what', () => {
    expect(CHILD_DATA.pendingDays).toBe(GUARDIAN_PENDING_DAYS)
    expect(CHILD_DATA.period).toBe(`P${GUARDIAN_PENDING_DAYS}D`)
    expect(CHILD_DATA.text).toContain(`${GUARDIAN_PENDING_DAYS}日`)
    expect(CHILD_DATA.text).toContain('14周岁及以下')
    for (const key of CHILD_DATA.heldFields) expect(inventoryField(key).collectedAt).toMatch(/launch|join/)
  })

  it('[7.1] states a concrete period for every field and kept record: what happens when, never open-ended', () => {
    const texts = [...INVENTORY.map((f) => f.retention.text), ...KEPT_RECORDS.map((r) => r.text)]
    for (const text of texts) {
      expect(text).toMatch(/删除/)
      expect(text).not.toMatch(/^会员存续期间[^；]*$/)
    }
    for (const record of KEPT_RECORDS) expect(record.period).toMatch(/^P\d+[YD]$/)
    expect(keptRecord('consentReceipts')).toMatchObject({
      period: 'P3Y',
      text: expect.stringContaining('3年'),
    })
    expect(keptRecord('pointsLedger')).toMatchObject({
      period: 'P10Y',
      text: expect.stringContaining('10年'),
    })
    expect(() => keptRecord('photos' as never)).toThrow(/not in the data inventory/)
  })

  it('[4.1.1] refuses a field that is not in the inventory', () => {
    expect(() => inventoryField('faceImage' as never)).toThrow(/not in the data inventory/)
  })
})
