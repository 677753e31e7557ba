/* eslint-disable @typescript-eslint/no-explicit-any -- SDK results are untyped JSON */
import jsQR from 'jsqr'
import QRCode from 'qrcode'
import cloud from 'wx-server-sdk'
import { decodeScene, encodeScene } from '../../src/domain/channel/scene'
import type { LocalCloud } from '../../local-cloud/runtime'
import { createTestCloud } from '../../local-cloud/testing'
import { readPng } from '../support/png'
import { failure } from './helpers'

// wx-server-sdk's own typings reject its DYNAMIC_CURRENT_ENV symbol as env.
;(cloud as any).init({ env: cloud.DYNAMIC_CURRENT_ENV })
const openapi = (cloud as any).openapi

let local: LocalCloud

beforeEach(() => {
  local = createTestCloud({ appId: 'wxapp123', phoneNumber: '13912345678' })
})

afterEach(() => local.close())

describe('openapi.phonenumber.getPhoneNumber', () => {
  it('answers the configured number in the real shape and records it', async () => {
    const res = await openapi.phonenumber.getPhoneNumber({ code: 'code-1' })
    expect(res).toEqual({
      phoneInfo: {
        phoneNumber: '13912345678',
        purePhoneNumber: '13912345678',
        countryCode: '86',
        watermark: { timestamp: expect.any(Number), appid: 'wxapp123' },
      },
      errCode: 0,
      errMsg: 'openapi.phonenumber.getPhoneNumber:ok',
    })
    expect(local.outbox.last('phonenumber')).toMatchObject({
      kind: 'phonenumber',
      payload: { code: 'code-1' },
      at: expect.any(Number),
    })
  })

  it('per-code numbers, foreign numbers, and single-use codes', async () => {
    local.setPhoneNumber('+1 4155550100', 'us-code')
    local.setPhoneNumber('13700000000')
    const us = await openapi.phonenumber.getPhoneNumber({ code: 'us-code' })
    expect(us.phoneInfo).toMatchObject({
      phoneNumber: '+1 4155550100',
      purePhoneNumber: '4155550100',
      countryCode: '1',
    })
    expect((await openapi.phonenumber.getPhoneNumber({ code: 'other' })).phoneInfo.purePhoneNumber).toBe(
      '13700000000',
    )
    const reused = await failure(openapi.phonenumber.getPhoneNumber({ code: 'us-code' }))
    expect(reused.errCode).toBe(40029)
    expect(reused.errMsg).toBe('openapi.phonenumber.getPhoneNumber:fail invalid code')
    expect(local.outbox.list({ kind: 'phonenumber' })).toHaveLength(2)
  })
})

describe('openapi.subscribeMessage.send', () => {
  it('records the message as WeChat receives it', async () => {
    const res = await openapi.subscribeMessage.send({
      touser: 'o-1',
      templateId: 'tpl-1',
      page: 'pages/index/index',
      data: { thing1: { value: 'Points credited' }, number2: { value: 100 } },
      miniprogramState: 'developer',
    })
    expect(res).toEqual({ errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' })
    expect(local.outbox.last('subscribeMessage')?.payload).toEqual({
      touser: 'o-1',
      template_id: 'tpl-1',
      page: 'pages/index/index',
      data: { thing1: { value: 'Points credited' }, number2: { value: 100 } },
      miniprogram_state: 'developer',
    })
  })

  it('refuses a message without recipient or template', async () => {
    const noUser = await failure(openapi.subscribeMessage.send({ templateId: 't', data: {} }))
    expect(noUser.errCode).toBe(40003)
    const noTemplate = await failure(openapi.subscribeMessage.send({ touser: 'o', data: {} }))
    expect(noTemplate.errCode).toBe(40037)
    expect(local.outbox.list()).toHaveLength(0)
  })
})

describe('openapi.cloudbase.sendSms', () => {
  it('sends content or a template, answers per number, records the SMS', async () => {
    const res = await openapi.cloudbase.sendSms({
      env: 'test-env',
      phoneNumberList: ['+8613800138000', '13800138000'],
      content: 'Your code is 123456',
    })
    expect(res.errMsg).toBe('openapi.cloudbase.sendSms:ok')
    expect(res.sendStatusList).toEqual([
      expect.objectContaining({ phoneNumber: '+8613800138000', code: 'Ok', isoCode: 'CN' }),
      expect.objectContaining({
        phoneNumber: '13800138000',
        code: 'InvalidParameterValue.IncorrectPhoneNumber',
      }),
    ])
    const templated = await openapi.cloudbase.sendSms({
      env: 'test-env',
      phoneNumberList: ['+8613800138001'],
      templateId: '844110',
      templateParamList: ['123456', '5'],
    })
    expect(templated.sendStatusList[0].code).toBe('Ok')
    const sms = local.outbox.list({ kind: 'sms' })
    expect(sms.map((item) => (item.payload as any).phone_number_list)).toEqual([
      ['+8613800138001'],
      ['+8613800138000', '13800138000'],
    ])
    expect((sms[1].payload as any).content).toBe('Your code is 123456')
    expect((sms[0].payload as any).template_param_list).toEqual(['123456', '5'])
  })

  it('refuses a request without numbers or without content', async () => {
    expect(
      (await failure(openapi.cloudbase.sendSms({ env: 'e', phoneNumberList: [], content: 'x' }))).errCode,
    ).toBe(40097)
    expect(
      (await failure(openapi.cloudbase.sendSms({ env: 'e', phoneNumberList: ['+8613800138000'] }))).errCode,
    ).toBe(40097)
  })
})

describe('openapi.wxacode.getUnlimited', () => {
  it('returns a real PNG QR code of the scene', async () => {
    const res = await openapi.wxacode.getUnlimited({
      scene: 'm=abc123',
      page: 'pages/member/index',
      width: 280,
    })
    expect(res).toEqual({
      contentType: 'image/png',
      buffer: expect.any(Buffer),
      errCode: 0,
      errMsg: 'openapi.wxacode.getUnlimited:ok',
    })
    const png = readPng(res.buffer)
    expect(png.width).toBe(280)
    expect(png.height).toBe(280)
    expect(png.chunks[0]).toBe('IHDR')
    expect(png.chunks.at(-1)).toBe('IEND')
    // It is the QR code of the scene: same pixels as the qrcode package draws for it.
    const reference = readPng(await QRCode.toBuffer('m=abc123', { type: 'png', width: 280, margin: 1 }))
    expect(png.channels).toBe(reference.channels)
    expect(png.pixels.equals(reference.pixels)).toBe(true)
    const other = readPng(await QRCode.toBuffer('m=abc124', { type: 'png', width: 280, margin: 1 }))
    expect(png.pixels.equals(other.pixels)).toBe(false)
    expect(local.outbox.last('wxacode')).toMatchObject({
      payload: { scene: 'm=abc123', page: 'pages/member/index', width: 280 },
      result: { contentType: 'image/png', byteLength: res.buffer.length },
    })
  })

  it('returns a code a scanner reads back as the channel’s scene', async () => {
    const scene = encodeScene({ kind: 'counter', code: '8Xk2' })
    const res = await openapi.wxacode.getUnlimited({ scene, page: 'pages/join/index', width: 430 })
    const png = readPng(res.buffer)
    expect(png.channels).toBe(4)
    const read = jsQR(new Uint8ClampedArray(png.pixels), png.width, png.height)
    expect(read?.data).toBe(scene)
    expect(decodeScene(read?.data ?? '')).toEqual({ ok: true, data: { kind: 'counter', code: '8Xk2' } })
  })

  it('refuses scenes over 32 characters with errcode 40169', async () => {
    await openapi.wxacode.getUnlimited({ scene: 'x'.repeat(32) })
    const error = await failure(openapi.wxacode.getUnlimited({ scene: 'x'.repeat(33) }))
    expect(error.errCode).toBe(40169)
    expect(error.errMsg).toBe(
      'openapi.wxacode.getUnlimited:fail invalid length for scene, or the data is not json string',
    )
    expect(local.outbox.list({ kind: 'wxacode' })).toHaveLength(1)
  })
})

describe('outbox and unknown APIs', () => {
  it('unknown openapi methods fail clearly', async () => {
    const error = await failure(openapi.security.msgSecCheck({ content: 'hi' }))
    expect(error.errMsg).toMatch(
      /^openapi\.security\.msgSecCheck:fail API not found: local-cloud has no fake/,
    )
  })

  it('list is newest first, filters by kind and time; clear empties it', async () => {
    await openapi.phonenumber.getPhoneNumber({ code: 'a' })
    const since = Date.now() + 1
    await new Promise((resolve) => setTimeout(resolve, 5))
    await openapi.wxacode.getUnlimited({ scene: 's' })
    expect(local.outbox.list().map((i) => i.kind)).toEqual(['wxacode', 'phonenumber'])
    expect(local.outbox.list({ since }).map((i) => i.kind)).toEqual(['wxacode'])
    expect(local.outbox.list({ kind: 'sms' })).toEqual([])
    expect(new Set(local.outbox.list().map((i) => i.id)).size).toBe(2)
    local.outbox.clear()
    expect(local.outbox.list()).toEqual([])
    expect(local.outbox.last('wxacode')).toBeUndefined()
  })
})
