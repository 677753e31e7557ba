/**
 * A fake of wx-server-sdk's `cloud.cloudPay` (WeChat Pay for cloud functions): the SDK sends
 * `wx.wxPayApi` with the API's name and its JSON (snake_case) and expects JSON back. Orders live
 * in memory; nothing is charged. `complete()` is the fake payment step: it marks an order paid
 * and delivers the payment result to the callback function named at `unifiedOrder`, as CloudBase
 * does (once, or more: real notices are delivered again until acknowledged). A payer who cancels
 * the pay sheet leaves the order unpaid, as on WeChat.
 */
import { randomBytes } from 'node:crypto'

import type { Outbox } from './openapi'

export type TradeState = 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND'

interface FakeOrder {
  outTradeNo: string
  subMchId: string
  totalFee: number
  functionName: string
  state: TradeState
  transactionId?: string
  timeEnd?: string
}

type Data = Record<string, unknown>

/** Invokes a cloud function as the payment platform does (no WeChat user calls it). */
export type CallbackInvoker = (functionName: string, event: Data) => Promise<unknown>

const ok = (fields: Data): Data => ({
  return_code: 'SUCCESS',
  return_msg: 'OK',
  result_code: 'SUCCESS',
  ...fields,
})
const failed = (code: string, message: string): Data => ({
  return_code: 'SUCCESS',
  return_msg: 'OK',
  result_code: 'FAIL',
  err_code: code,
  err_code_des: message,
})

/** yyyyMMddHHmmss in China time, as WeChat Pay writes `time_end`. */
const timeEnd = (at: number) => new Date(at + 8 * 3600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14)

export class CloudPayFake {
  private readonly orders = new Map<string, FakeOrder>()

  constructor(
    private readonly outbox: Outbox,
    private readonly appId: string,
  ) {}

  /** Wire entry: `wx.wxPayApi`; `data` is the request's JSON; answers the JSON buffer. */
  handle(apiName: string, data: Buffer): Buffer {
    const request = JSON.parse(data.toString('utf8') || '{}') as Data
    const answer = this.answer(apiName, request)
    this.outbox.record('wxpay', { api: `cloudPay.${apiName}`, ...request }, answer)
    return Buffer.from(JSON.stringify(answer))
  }

  order(outTradeNo: string): Readonly<FakeOrder> | undefined {
    return this.orders.get(outTradeNo)
  }

  /**
   * The payer paid `outTradeNo`: the order is paid and its result delivered `times` times to
   * its callback function. Answers false for an order that is unknown or no longer payable.
   */
  async complete(outTradeNo: string, invoke: CallbackInvoker, times = 1): Promise<boolean> {
    const order = this.orders.get(outTradeNo)
    if (!order || (order.state !== 'NOTPAY' && order.state !== 'SUCCESS')) return false
    if (order.state === 'NOTPAY') {
      order.state = 'SUCCESS'
      order.transactionId = `42${randomBytes(13).toString('hex')}`
      order.timeEnd = timeEnd(Date.now())
    }
    const event = {
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      appid: this.appId,
      subMchId: order.subMchId,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId,
      totalFee: order.totalFee,
      cashFee: order.totalFee,
      feeType: 'CNY',
      tradeType: 'JSAPI',
      timeEnd: order.timeEnd,
      nonceStr: randomBytes(16).toString('hex'),
    }
    for (let i = 0; i < times; i += 1) await invoke(order.functionName, event)
    return true
  }

  private answer(apiName: string, request: Data): Data {
    const outTradeNo = String(request.out_trade_no ?? '')
    const order = this.orders.get(outTradeNo)
    switch (apiName) {
      case 'unifiedOrder': {
        const totalFee = Number(request.total_fee)
        if (!/^[A-Za-z0-9_-]{1,32}$/.test(outTradeNo) || !Number.isInteger(totalFee) || totalFee <= 0)
          return failed('PARAM_ERROR', '参数错误')
        if (!request.function_name || !request.sub_mch_id || !request.spbill_create_ip)
          return failed('PARAM_ERROR', '参数错误')
        if (order && order.totalFee !== totalFee) return failed('INVALID_REQUEST', '201 商户订单号重复')
        if (order && order.state !== 'NOTPAY') return failed('ORDERPAID', '该订单已支付')
        if (!order)
          this.orders.set(outTradeNo, {
            outTradeNo,
            subMchId: String(request.sub_mch_id),
            totalFee,
            functionName: String(request.function_name),
            state: 'NOTPAY',
          })
        const prepayId = `wx${randomBytes(14).toString('hex')}`
        return ok({
          prepay_id: prepayId,
          trade_type: 'JSAPI',
          payment: {
            app_id: this.appId,
            time_stamp: String(Math.floor(Date.now() / 1000)),
            nonce_str: randomBytes(16).toString('hex'),
            package: `prepay_id=${prepayId}`,
            sign_type: 'MD5',
            pay_sign: randomBytes(16).toString('hex').toUpperCase(),
          },
        })
      }
      case 'queryOrder':
        if (!order) return failed('ORDERNOTEXIST', '此交易订单号不存在')
        return ok({
          out_trade_no: outTradeNo,
          trade_state: order.state,
          total_fee: order.totalFee,
          ...(order.transactionId ? { transaction_id: order.transactionId, time_end: order.timeEnd } : {}),
        })
      case 'closeOrder':
        if (!order) return failed('ORDERNOTEXIST', '此交易订单号不存在')
        if (order.state === 'SUCCESS' || order.state === 'REFUND') return failed('ORDERPAID', '订单已支付')
        order.state = 'CLOSED'
        return ok({})
      case 'refund': {
        if (!order || order.state !== 'SUCCESS') return failed('ORDERNOTEXIST', '订单不存在或未支付')
        if (Number(request.refund_fee) !== order.totalFee || !request.out_refund_no)
          return failed('PARAM_ERROR', '参数错误')
        order.state = 'REFUND'
        return ok({ out_refund_no: request.out_refund_no, refund_fee: order.totalFee })
      }
      default:
        return failed('NOT_SUPPORTED', `local-cloud does not implement cloudPay.${apiName}`)
    }
  }
}
