export default definePageConfig({ navigationBarTitleText: '活动与礼品' })
