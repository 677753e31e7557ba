export default definePageConfig({ navigationBarTitleText: '渠道二维码' })
