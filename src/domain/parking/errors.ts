/** Parking: the car park's events, tariffs, the quote and the desk. */
import { WAIVE_DAILY_LIMIT } from './waive'

export type ParkingError =
  | 'PARKING_EVENT_INVALID'
  | 'PARKING_EVENT_FUTURE'
  | 'PARKING_EVENT_STALE'
  | 'PARKING_BUSY'
  | 'PARKING_TARIFF_INVALID'
  | 'PARKING_TARIFF_MISSING'
  | 'PARKING_SESSION_NONE'
  | 'PARKING_LOOKUP_LIMIT'
  | 'CAR_PARK_UNKNOWN'
  | 'PARKING_SESSION_UNKNOWN'
  | 'PARKING_WAIVE_REASON_REQUIRED'
  | 'PARKING_WAIVE_NOTE_REQUIRED'
  | 'PARKING_WAIVE_NOTHING'
  | 'PARKING_WAIVE_LIMIT'

export const PARKING_MESSAGES = {
  PARKING_EVENT_INVALID: '车场事件格式有误',
  PARKING_EVENT_FUTURE: '车场事件时间晚于当前时间，请校准车场设备时钟',
  PARKING_EVENT_STALE: '车场事件时间过早（超过 7 天），请核对车场设备时钟',
  PARKING_BUSY: '该车牌的停车记录正在更新，请稍后重试',
  PARKING_TARIFF_INVALID: '收费标准填写有误，请检查后重试',
  PARKING_TARIFF_MISSING: '该停车场尚未设置收费标准，请联系管理员',
  PARKING_SESSION_NONE: '未找到该车牌的在场停车记录',
  PARKING_LOOKUP_LIMIT: '今日查询车牌次数过多，请明天再试或到停车服务台办理',
  CAR_PARK_UNKNOWN: '未找到该停车场',
  PARKING_SESSION_UNKNOWN: '未找到该停车记录，请重新查询车牌',
  PARKING_WAIVE_REASON_REQUIRED: '请选择减免原因',
  PARKING_WAIVE_NOTE_REQUIRED: '选择“其他”时请填写备注',
  PARKING_WAIVE_NOTHING: '该停车记录没有待缴费用，无需减免',
  PARKING_WAIVE_LIMIT: `今日停车费减免次数已用完（每日${WAIVE_DAILY_LIMIT}次），次日0点后恢复`,
} satisfies Record<ParkingError, string>
