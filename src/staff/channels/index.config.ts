export default definePageConfig({ navigationBarTitleText: '渠道报表' })
