export default defineAppConfig({
  pages: ['pages/index/index'],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#fff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
  },
  // Note: required since 2023-09 for privacy APIs and the agreePrivacyAuthorization button.
  __usePrivacyCheck__: true,
})
