/** Every cloud function that shoppers or staff call, by name, with its contract. */
import { memberContract } from './member'

export const CONTRACTS = {
  member: memberContract,
}

export type Contracts = typeof CONTRACTS
export type FunctionName = keyof Contracts
