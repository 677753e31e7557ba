/** The collections of the WeChat Pay 智慧商圈 integration (database/manifest.ts describes them). */
export const WXPAY_COLLECTIONS = {
  /** A member's 商圈 authorisation: `_id` = member id. */
  mallAuth: 'mall_auth',
  /** Notices that earned nothing, without personal data. */
  notices: 'wxpay_notices',
  /** The points sync queue, one document per transaction. */
  sync: 'wxpay_sync',
} as const
