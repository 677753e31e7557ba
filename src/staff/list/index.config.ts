export default definePageConfig({ navigationBarTitleText: '员工列表' })
