import { ageOn, parseIsoDate } from '@/domain/dates'
import {
  checkBirthDate,
  checkEmail,
  checkGender,
  checkName,
  checkPhone,
  checkProvince,
  checkSmsCode,
  idNumberBirthDate,
  isValidIdNumber,
} from '@/domain/identity/rules'
import { isValidPlate } from '@/domain/plate/model'

describe('checkPhone', () => {
  it.each([
    ['13812345678', undefined],
    ['19912345678', undefined],
    ['', 'PHONE_REQUIRED'],
    ['12812345678', 'PHONE_INVALID'],
    ['1381234567', 'PHONE_INVALID'],
    ['138123456789', 'PHONE_INVALID'],
    ['+8613812345678', 'PHONE_INVALID'],
    ['138 1234 567', 'PHONE_INVALID'],
    ['1381234567a', 'PHONE_INVALID'],
    ['２３８１２３４５６７８', 'PHONE_INVALID'],
  ])('[4.2.1.1] %p answers %p', (phone, expected) => {
    expect(checkPhone(phone)).toBe(expected)
  })
})

describe('isValidIdNumber (GB 11643-1999)', () => {
  it.each([
    ['11010519491231002X', true, 'valid, X check character'],
    ['440524188001010014', true, 'valid, born 1880'],
    ['110105194912310021', false, 'wrong check character'],
    ['110105194902300020', false, 'valid check character, impossible date'],
    ['11010519491231002x', false, 'lower-case x'],
    ['1101051949123100', false, 'too short'],
    ['11010519491231002XX', false, 'too long'],
    ['', false, 'empty'],
  ])('[3.2] %p → %p (%s)', (id, expected) => {
    expect(isValidIdNumber(id)).toBe(expected)
  })

  it('[L-5] reads the birth date from the number', () => {
    expect(idNumberBirthDate('11010519491231002X')).toBe('1949-12-31')
  })
})

describe('isValidPlate (GA 36-2018)', () => {
  it.each([
    ['京A12345', true, 'ordinary'],
    ['沪AD12345', true, 'new energy, small, pure electric'],
    ['粤BFA1234', true, 'new energy, small, other fuel, letter after F'],
    ['粤B12345D', true, 'new energy, large'],
    ['京AI2345', false, 'I is never used'],
    ['京AO2345', false, 'O is never used'],
    ['京A1234', false, 'too short'],
    ['京a12345', false, 'lower-case letter'],
    ['XA12345', false, 'no province'],
    ['沪AX12345', false, 'eight characters without D/F'],
    ['沪AD1234A', false, 'new energy ends in digits'],
  ])('[4.2.2.6] %p → %p (%s)', (plate, expected) => {
    expect(isValidPlate(plate)).toBe(expected)
  })
})

describe('checkName', () => {
  it.each([
    ['张三', undefined],
    ['欧阳娜娜', undefined],
    ['阿卜杜·热合曼', undefined],
    ['  李四  ', undefined],
    ['John Smith', undefined],
    ["Mary-Jane O'Neil", undefined],
    ['', 'NAME_REQUIRED'],
    ['   ', 'NAME_REQUIRED'],
    ['张', 'NAME_INVALID'],
    ['J', 'NAME_INVALID'],
    ['张3', 'NAME_INVALID'],
    ['张三<script>', 'NAME_INVALID'],
    ['王'.repeat(21), 'NAME_INVALID'],
    ['A'.repeat(41), 'NAME_INVALID'],
  ])('[4.2.1.1] %p answers %p', (name, expected) => {
    expect(checkName(name)).toBe(expected)
  })
})

describe('checkBirthDate', () => {
  const today = '2024-06-15'
  it.each([
    ['1990-02-28', undefined],
    ['2000-02-29', undefined],
    ['2024-06-15', undefined],
    ['1900-01-01', undefined],
    ['2024-06-16', 'BIRTH_DATE_FUTURE'],
    ['2099-01-01', 'BIRTH_DATE_FUTURE'],
    ['1990-02-30', 'BIRTH_DATE_INVALID'],
    ['1900-02-29', 'BIRTH_DATE_INVALID'],
    ['1899-12-31', 'BIRTH_DATE_INVALID'],
    ['1990/01/01', 'BIRTH_DATE_INVALID'],
    ['1990-1-1', 'BIRTH_DATE_INVALID'],
    ['', 'BIRTH_DATE_INVALID'],
  ])('[4.2.1.1] %p answers %p', (date, expected) => {
    expect(checkBirthDate(date, today)).toBe(expected)
  })

  it('parses real calendar dates only', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({ y: 2024, m: 2, d: 29 })
    expect(parseIsoDate('2023-02-29')).toBeUndefined()
  })

  it.each([
    ['2010-06-15', '2024-06-15', 14],
    ['2010-06-16', '2024-06-15', 13],
    ['2010-01-01', '2024-06-15', 14],
  ])('[L-5] a person born %s is %i on %s', (birth, today, age) => {
    expect(ageOn(birth, today)).toBe(age)
  })
})

describe('small field rules', () => {
  it.each([
    ['123456', undefined],
    ['', 'SMS_CODE_REQUIRED'],
    ['12345', 'SMS_CODE_INVALID'],
    ['1234567', 'SMS_CODE_INVALID'],
    ['12345a', 'SMS_CODE_INVALID'],
  ])('[4.2.1.1] sms code %p answers %p', (code, expected) => {
    expect(checkSmsCode(code)).toBe(expected)
  })

  it.each([
    ['male', undefined],
    ['female', undefined],
    ['', 'GENDER_INVALID'],
    ['男', 'GENDER_INVALID'],
    ['other', 'GENDER_INVALID'],
  ])('[4.2.1.1] gender %p answers %p', (gender, expected) => {
    expect(checkGender(gender)).toBe(expected)
  })

  it.each([
    ['31', undefined],
    ['44', undefined],
    ['99', 'PROVINCE_INVALID'],
    ['上海市', 'PROVINCE_INVALID'],
  ])('[4.2.1.1] province %p answers %p', (code, expected) => {
    expect(checkProvince(code)).toBe(expected)
  })

  it.each([
    ['a.b@example.com', true],
    ['user+tag@mail.example.cn', true],
    ['no-at.example.com', false],
    ['a@b', false],
    [`${'a'.repeat(95)}@x.com`, false],
  ])('[4.2.1.1] email %p → %p', (email, expected) => {
    expect(checkEmail(email)).toBe(expected)
  })
})
