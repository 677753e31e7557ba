export default definePageConfig({ navigationBarTitleText: '申请成为会员' })
