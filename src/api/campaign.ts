/** The `campaign` cloud function's actions, typed by its contract (src/domain/contracts/campaign.ts). */
import { clientOf } from './cloud'

export const campaignApi = clientOf('campaign')
