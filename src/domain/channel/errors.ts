/** Channels and their scenes. */
export type ChannelError = 'SCENE_INVALID' | 'CHANNEL_UNKNOWN' | 'CHANNEL_NAME_REQUIRED' | 'CHANNEL_EXISTS'

export const CHANNEL_MESSAGES = {
  SCENE_INVALID: '二维码内容无法识别，请重新扫码',
  CHANNEL_UNKNOWN: '未找到该渠道，或它不属于您的门店',
  CHANNEL_NAME_REQUIRED: '请填写渠道名称',
  CHANNEL_EXISTS: '本店已有同名的渠道，请换一个名称',
} satisfies Record<ChannelError, string>
