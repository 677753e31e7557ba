import { lazy, Suspense } from 'react'

// Only the local H5 build has the dev tools: with the flag false the dynamic import is dropped
// from the weapp bundle at compile time.
const DevTools = LOCAL_DEV_TOOLS ? lazy(() => import('./index')) : null

/**
 * Where a page shows the dev tools. Note: a page renders it, not the app, because Taro's H5
 * router hides every page that is not the last child of its container.
 */
export function DevToolsSlot() {
  return DevTools ? (
    <Suspense fallback={null}>
      <DevTools />
    </Suspense>
  ) : null
}

/** The 模拟支付 sheet of the local H5 build; null elsewhere (weapp pays with WeChat Pay). */
export const FakePaySheet = LOCAL_DEV_TOOLS ? lazy(() => import('./FakePaySheet')) : null
