import Taro from '@tarojs/taro'

/** The CloudBase environment id fixed at build time (TARO_APP_CLOUD_ENV); empty when not set. */
const CLOUD_ENV = process.env.TARO_APP_CLOUD_ENV

/**
 * Initialises `Taro.cloud` once, at launch (weapp only; H5 talks HTTP). Without a configured
 * environment the client SDK uses the environment the mini-program is currently bound to — the
 * client-side counterpart of the server's DYNAMIC_CURRENT_ENV.
 */
export function initCloud(): void {
  if (process.env.TARO_ENV !== 'weapp') return
  // Note: base libraries without cloud support (and miniprogram-simulate) have no wx.cloud.
  if (typeof Taro.cloud?.init !== 'function') return
  Taro.cloud.init(CLOUD_ENV ? { env: CLOUD_ENV, traceUser: false } : { traceUser: false })
}
