/**
 * The join form as a screen sees it (4.1.3, 4.2.1.1): its fields in screen order, each with its
 * label, whether it is required and its input length. Personal fields take label and required
 * from the data inventory; the service store and the SMS code are not customer information but
 * the service needs them. Each field is checked by the join schema's own parser
 * (`fieldProblem(joinSchema, …)`), which stays the one gate for a whole request.
 */
import { inventoryField, JOIN_FIELDS, type FieldKey } from '../identity/inventory'
import { joinSchema } from '../contracts/member'

export type JoinFormField = 'name' | 'gender' | 'province' | 'storeId' | 'birthDate' | 'phone' | 'smsCode'

export interface JoinFormFieldSpec {
  key: JoinFormField
  label: string
  required: boolean
  /** Customer information declared in the data inventory. */
  personal: boolean
  /** The longest input the form lets the shopper type (the schema's limit). */
  maxLength?: number
}

const SERVICE_FIELDS: Record<'storeId' | 'smsCode', { label: string; required: boolean }> = {
  storeId: { label: '服务门店', required: true },
  smsCode: { label: '短信验证码', required: true },
}

const SCREEN_ORDER: readonly JoinFormField[] = [
  'name',
  'gender',
  'province',
  'storeId',
  'birthDate',
  'phone',
  'smsCode',
]

function isInventoryField(key: JoinFormField): key is JoinFormField & FieldKey {
  return (JOIN_FIELDS as readonly string[]).includes(key)
}

export const JOIN_FORM_FIELDS: readonly JoinFormFieldSpec[] = SCREEN_ORDER.map((key) => {
  if (isInventoryField(key)) {
    const field = inventoryField(key)
    return {
      key,
      label: field.label,
      required: field.required,
      personal: true,
      maxLength: joinSchema.fields[key].maxLength,
    }
  }
  const service = SERVICE_FIELDS[key as keyof typeof SERVICE_FIELDS]
  return {
    key,
    label: service.label,
    required: service.required,
    personal: false,
    maxLength: joinSchema.fields[key].maxLength,
  }
})

const SPEC_BY_KEY = new Map(JOIN_FORM_FIELDS.map((f) => [f.key, f]))

export function joinFormField(key: JoinFormField): JoinFormFieldSpec {
  const spec = SPEC_BY_KEY.get(key)
  if (!spec) throw new Error(`${key} is not a join form field`)
  return spec
}
