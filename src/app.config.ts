export default defineAppConfig({
  pages: ['pages/index/index', 'pages/join/index'],
  window: {
    backgroundTextStyle: 'light',
    backgroundColor: '#f4f5f7',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '会员中心',
    navigationBarTextStyle: 'black',
  },
  // Note: required since 2023-09 for privacy APIs and the agreePrivacyAuthorization button.
  __usePrivacyCheck__: true,
})
