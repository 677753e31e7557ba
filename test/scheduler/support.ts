/**
 * The scheduler in a function-test environment: registered with the test's clock, and invoked as
 * CloudBase's timer does — no WeChat user, `Type: 'Timer'`.
 */
import { createMain } from '../../cloudfunctions/scheduler/index'
import type { TestEnv } from '../functions/support'

export type TickAnswer = {
  ok: boolean
  code?: string
  data: { jobs: Record<string, Record<string, unknown>> }
}

/** `variables`: the function's environment variables (default: the test's, keys included). */
export function registerScheduler(
  env: TestEnv,
  variables: Record<string, string | undefined> = process.env,
): void {
  const clock = env.clock
  env.cloud.register('scheduler', () => ({ main: createMain({ clock, env: variables }) }))
}

/** Runs `trigger` as its timer does; `caller` forges a WeChat user (which must be refused). */
export async function tick(
  env: TestEnv,
  trigger: string,
  caller: { OPENID?: string } = {},
): Promise<TickAnswer> {
  return (await env.cloud.invoke(
    'scheduler',
    { Type: 'Timer', TriggerName: trigger, Time: new Date(env.clock.now()).toISOString(), Message: '' },
    // Note: a timer invocation has no OPENID; CallerContext types it as required for shoppers.
    { OPENID: caller.OPENID as string, SOURCE: 'scf' },
  )) as TickAnswer
}
