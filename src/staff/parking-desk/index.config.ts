export default definePageConfig({ navigationBarTitleText: '停车服务台' })
