import { ENCRYPTED_FIELDS, INVENTORY, inventoryField, JOIN_FIELDS } from '@/domain/identity/inventory'
import { PURPOSES } from '@/domain/consent/purposes'

describe('data inventory', () => {
  it('[4.1.1] gives every field at least one declared purpose', () => {
    for (const field of INVENTORY) {
      expect(field.purposes.length).toBeGreaterThan(0)
      for (const purpose of field.purposes) expect(PURPOSES[purpose]).toBeTruthy()
    }
  })

  it('[4.1.3][L-3] requires only the WeChat identifier, name and phone', () => {
    expect(INVENTORY.filter((f) => f.required).map((f) => f.key)).toEqual(['openid', 'name', 'phone'])
  })

  it('[L-4] never requires a sensitive field and serves it under a sensitive purpose only', () => {
    for (const field of INVENTORY.filter((f) => f.sensitive)) {
      expect(field.required).toBe(false)
      expect(field.purposes.every((p) => PURPOSES[p].sensitive)).toBe(true)
    }
  })

  it('[5.1] keeps no identity-store field in plaintext: each is encrypted or only blind-indexed', () => {
    for (const field of INVENTORY.filter((f) => f.store === 'identity')) {
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

  it('[4.1.1] refuses a field that is not in the inventory', () => {
    expect(() => inventoryField('faceImage' as never)).toThrow(/not in the data inventory/)
  })
})
