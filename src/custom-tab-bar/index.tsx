import { TabBar } from '@/components/TabBar'

/** WeChat's custom tab bar (app.config.ts `tabBar.custom`): the same bar as H5's. */
export default function CustomTabBar() {
  return <TabBar always />
}
