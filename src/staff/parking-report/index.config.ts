export default definePageConfig({ navigationBarTitleText: '停车报表' })
