/** Paths of the pages other pages open (app.config.ts declares them all). */
export const ROUTES = {
  home: '/pages/index/index',
  notFound: '/pages/not-found/index',
  privacyGuide: '/account/privacy/index',
} as const
