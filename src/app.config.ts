export default defineAppConfig({
  pages: ['pages/index/index', 'pages/join/index', 'pages/not-found/index', 'pages/workbench/index'],
  // 会员 | 员工, drawn by src/custom-tab-bar (the 员工 tab only for staff); on H5 the tab pages
  // draw the same bar themselves (src/components/TabBar).
  tabBar: {
    custom: true,
    color: '#86909c',
    selectedColor: '#1f4e79',
    backgroundColor: '#ffffff',
    list: [
      { pagePath: 'pages/index/index', text: '会员' },
      { pagePath: 'pages/workbench/index', text: '员工' },
    ],
  },
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
        'member-code/index',
        'points/index',
        'rewards/index',
        'vouchers/index',
        'receipt/index',
        'tier/index',
      ],
    },
    {
      root: 'staff',
      pages: [
        'invite/index',
        'list/index',
        'lookup/index',
        'channels/index',
        'campaigns/index',
        'campaign-code/index',
        'campaign-report/index',
        'verify/index',
        'cards/index',
        'partners/index',
        'partner/index',
        'codes/index',
        'channel/index',
        'earn/index',
        'points-rules/index',
        'points-report/index',
        'receipts/index',
        'parking-desk/index',
        'parking-tariff/index',
        'parking-report/index',
      ],
    },
    { root: 'campaign', pages: ['claim/index'] },
    { root: 'parking', pages: ['pay/index', 'temp/index'] },
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
