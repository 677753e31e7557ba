/** Every cloud function that shoppers or staff call, by name, with its contract. */
import { campaignContract } from './campaign'
import { memberContract } from './member'
import { staffContract } from './staff'

export const CONTRACTS = {
  member: memberContract,
  staff: staffContract,
  campaign: campaignContract,
}

export type Contracts = typeof CONTRACTS
export type FunctionName = keyof Contracts
