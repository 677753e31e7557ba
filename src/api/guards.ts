/** Shape checks for what comes back over the wire: a non-conforming answer must not reach a page. */
export type Guard<T> = (value: unknown) => value is T

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const isString = (value: unknown): value is string => typeof value === 'string'

export const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean'

export function isArrayOf<T>(guard: Guard<T>): Guard<T[]> {
  return (value: unknown): value is T[] => Array.isArray(value) && value.every(guard)
}

/** An object whose listed keys pass their guards; other keys are ignored. */
export function hasShape<T>(shape: { [K in keyof T]-?: Guard<T[K]> }): Guard<T> {
  return (value: unknown): value is T =>
    isRecord(value) && (Object.keys(shape) as (keyof T & string)[]).every((key) => shape[key](value[key]))
}

export function orNull<T>(guard: Guard<T>): Guard<T | null> {
  return (value: unknown): value is T | null => value === null || guard(value)
}
