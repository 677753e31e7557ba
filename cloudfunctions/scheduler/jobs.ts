/** Where the scheduler keeps the progress of its resumable jobs (`database/manifest.ts`: jobs). */
export const JOBS_COLLECTION = 'jobs'

/** Ids of the retired master keys in `PI_RETIRED_MASTER_KEYS` (`id:base64,…`): ids only. */
export function retiredKeyIds(env: Record<string, string | undefined>): string[] {
  return (env.PI_RETIRED_MASTER_KEYS ?? '')
    .split(',')
    .map((entry) => entry.split(':')[0]?.trim() ?? '')
    .filter((id) => id !== '')
}
