export { callAction, clientOf, toResult, type CloudEvent } from './cloud'
export { initCloud } from './init'
export { memberApi } from './member'
export { staffApi } from './staff'
