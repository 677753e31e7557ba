/** The `staff` cloud function's actions, typed by its contract (src/domain/contracts/staff.ts). */
import { clientOf } from './cloud'

export const staffApi = clientOf('staff')
