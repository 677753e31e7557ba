/** Channels and their scenes. */
export type ChannelError = 'SCENE_INVALID'

export const CHANNEL_MESSAGES = {
  SCENE_INVALID: '二维码内容无法识别，请重新扫码',
} satisfies Record<ChannelError, string>
