export default definePageConfig({ navigationBarTitleText: '车牌管理' })
