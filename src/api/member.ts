/** The `member` cloud function's actions, typed by its contract (src/domain/contracts/member.ts). */
import { clientOf } from './cloud'

export const memberApi = clientOf('member')
