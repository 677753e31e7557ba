export default definePageConfig({ navigationBarTitleText: '停车收费标准' })
