export default definePageConfig({ navigationBarTitleText: '账户与隐私' })
