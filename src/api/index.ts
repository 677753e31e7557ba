export { callFunction, toResult, type CloudEvent, type FunctionName } from './cloud'
export { initCloud } from './init'
export { memberApi, type HomeData, type JoinCodeSent, type JoinData, type JoinFormData } from './member'
export { selfServiceApi, type PhoneChange } from './selfService'
