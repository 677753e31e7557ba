/** Channels and their scenes. */
export type ChannelError = 'SCENE_INVALID' | 'CHANNEL_UNKNOWN'

export const CHANNEL_MESSAGES = {
  SCENE_INVALID: '二维码内容无法识别，请重新扫码',
  CHANNEL_UNKNOWN: '未找到该渠道，或它不属于您的门店',
} satisfies Record<ChannelError, string>
