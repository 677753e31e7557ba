export default defineAppConfig({
  pages: ['pages/index/index', 'pages/join/index', 'pages/not-found/index'],
  // Rarely used shopper pages stay out of the main package (budget: bench/budgets.json).
  subPackages: [
    {
      root: 'account',
      pages: [
        'settings/index',
        'consents/index',
        'plates/index',
        'data/index',
        'delete/index',
        'bind/index',
        'profile/index',
        'phone/index',
        'privacy/index',
      ],
    },
    {
      root: 'staff',
      pages: [
        'workbench/index',
        'invite/index',
        'list/index',
        'lookup/index',
        'channels/index',
        'campaigns/index',
        'campaign-code/index',
        'campaign-report/index',
        'verify/index',
        'cards/index',
      ],
    },
    { root: 'campaign', pages: ['claim/index'] },
  ],
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
