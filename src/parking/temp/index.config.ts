export default definePageConfig({ navigationBarTitleText: '临时车缴费' })
