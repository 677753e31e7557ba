import type { MaskKind } from '@/domain/identity/inventory'
import { mask, maskName, maskPhone, maskPlate } from '@/domain/identity/mask'

describe('masks', () => {
  it('[L-7] shows the SPEC examples: 138****1234, 张*, 京A·***45', () => {
    expect(maskPhone('13812341234')).toBe('138****1234')
    expect(maskName('张三')).toBe('张*')
    expect(maskPlate('京A12345')).toBe('京A·***45')
  })

  it.each<[MaskKind, string, string]>([
    ['name', '欧阳娜娜', '欧***'],
    ['name', '阿卜杜·热合曼', '阿******'],
    ['name', 'John', 'J***'],
    ['name', '张', '张'],
    ['phone', '19900001111', '199****1111'],
    ['phone', '12345', '*****'],
    ['birthDate', '1990-05-17', '1990-**-**'],
    ['idNumber', '11010519491231002X', '1101**********002X'],
    ['idNumber', '1234', '****'],
    ['address', '上海市徐汇区漕溪北路88号', '上海市徐汇区****'],
    ['address', '徐汇区', '***'],
    ['email', 'shopper@example.com', 's***@example.com'],
    ['email', '@example.com', '************'],
    ['plate', '沪AD12345', '沪A·****45'],
    ['memberNo', '800000000011', '********0011'],
    ['hidden', 'oAbc123', ''],
    ['none', 'female', 'female'],
  ])('[L-7] mask(%p, %p) is %p', (kind, value, expected) => {
    expect(mask(kind, value)).toBe(expected)
  })

  it.each<[MaskKind, string]>([
    ['name', '张三丰'],
    ['phone', '13812345678'],
    ['idNumber', '11010519491231002X'],
    ['plate', '京A12345'],
  ])('[L-7] a %s mask never shows the whole value', (kind, value) => {
    expect(mask(kind, value)).not.toBe(value)
    expect(mask(kind, value)).toContain('*')
  })
})
