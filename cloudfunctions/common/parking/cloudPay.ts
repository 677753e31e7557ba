/**
 * The port to WeChat Pay for parking payments: in production wx-server-sdk's `cloud.cloudPay`
 * (JSAPI orders of the mall's sub-merchant, no certificates in the function: CloudBase signs),
 * locally local-cloud's fake of the same API (local-cloud/cloudpay.ts). The order's result comes
 * to the `parkpay` function (`functionName`); only a paid order is ever notified, so an order the
 * payer abandoned is closed by the page or, after PAYMENT_EXPIRY_MS, by the scheduler.
 *
 * Configuration (function environment): WXPAY_SUB_MCH_ID, the mall's sub-merchant number.
 */
import { randomBytes } from 'node:crypto'

import * as cloud from 'wx-server-sdk'

import type { PaymentParams } from '../../../src/domain/contracts/parkpay'

/** The function cloudPay calls with a payment's result. */
export const PAY_CALLBACK_FUNCTION = 'parkpay'

export type TradeState = 'SUCCESS' | 'NOTPAY' | 'CLOSED' | 'REFUND' | 'PAYERROR' | 'USERPAYING' | 'REVOKED'

export interface ParkingPayPort {
  order(input: {
    outTradeNo: string
    totalFee: number
    body: string
    clientIp: string
  }): Promise<PaymentParams>
  /** The order as WeChat Pay has it; null when it does not know it. */
  query(outTradeNo: string): Promise<{ state: TradeState; totalFee: number; transactionId?: string } | null>
  /** Closes an unpaid order; false when it was paid meanwhile. */
  close(outTradeNo: string): Promise<boolean>
  refund(input: { outTradeNo: string; outRefundNo: string; totalFee: number }): Promise<void>
}

type CloudPayApi = Record<string, (data: Record<string, unknown>) => Promise<Record<string, unknown>>>

export class PayPortError extends Error {
  constructor(
    readonly api: string,
    readonly code: string,
  ) {
    super(`cloudPay.${api} failed: ${code}`)
  }
}

const nonce = () => randomBytes(16).toString('hex')

/** `cloud.cloudPay` of wx-server-sdk as the port. */
export function cloudPayPort(cloudPay: unknown, config: { subMchId: string; envId: string }): ParkingPayPort {
  const api = cloudPay as CloudPayApi
  const call = async (name: string, data: Record<string, unknown>) => {
    const answer = await api[name]({ subMchId: config.subMchId, nonceStr: nonce(), ...data })
    if (answer.returnCode !== 'SUCCESS' || answer.resultCode !== 'SUCCESS')
      throw new PayPortError(name, String(answer.errCode ?? answer.returnMsg ?? 'FAIL'))
    return answer
  }
  return {
    async order(input) {
      const answer = await call('unifiedOrder', {
        body: input.body,
        outTradeNo: input.outTradeNo,
        spbillCreateIp: input.clientIp,
        totalFee: input.totalFee,
        envId: config.envId,
        functionName: PAY_CALLBACK_FUNCTION,
        tradeType: 'JSAPI',
      })
      const p = answer.payment as Record<string, unknown>
      return {
        timeStamp: String(p.timeStamp),
        nonceStr: String(p.nonceStr),
        package: String(p.package),
        signType: String(p.signType),
        paySign: String(p.paySign),
      }
    },
    async query(outTradeNo) {
      try {
        const answer = await call('queryOrder', { outTradeNo })
        return {
          state: answer.tradeState as TradeState,
          totalFee: Number(answer.totalFee),
          ...(answer.transactionId ? { transactionId: String(answer.transactionId) } : {}),
        }
      } catch (error) {
        if (error instanceof PayPortError && error.code === 'ORDERNOTEXIST') return null
        throw error
      }
    },
    async close(outTradeNo) {
      try {
        await call('closeOrder', { outTradeNo })
        return true
      } catch (error) {
        if (error instanceof PayPortError && error.code === 'ORDERPAID') return false
        if (error instanceof PayPortError && error.code === 'ORDERNOTEXIST') return true
        throw error
      }
    },
    async refund(input) {
      await call('refund', {
        outTradeNo: input.outTradeNo,
        outRefundNo: input.outRefundNo,
        totalFee: input.totalFee,
        refundFee: input.totalFee,
      })
    },
  }
}

/** The port of the function running: its cloudPay, the environment's sub-merchant and env id. */
export function functionPayPort(env: Record<string, string | undefined> = process.env): ParkingPayPort {
  return cloudPayPort((cloud as unknown as { cloudPay: unknown }).cloudPay, {
    subMchId: env.WXPAY_SUB_MCH_ID ?? '',
    envId: String(cloud.getWXContext().ENV ?? ''),
  })
}

/** The payer's IP as the platform saw the call. */
export const callerIp = (): string => String(cloud.getWXContext().CLIENTIP ?? '') || '127.0.0.1'
