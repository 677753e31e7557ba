/**
 * The cloud client as the H5 build runs it (POST /api/functions/<name>): whatever comes back,
 * a page gets a Result with a zh-CN message, never an exception; an answer is typed by the
 * function's contract, which the function itself is checked against.
 */
import { callAction } from '@/api/cloud'
import { memberApi } from '@/api/member'
import { ERROR_MESSAGES } from '@/domain/errors'
import { MEMBER, NOTICE, ok, STORES } from './support/fixtures'

// Note: the H5 transport never touches Taro; its ESM build is not what this test is about.
jest.mock('@tarojs/taro', () => ({ __esModule: true, default: {} }))

type FetchAnswer = { status?: number; body?: unknown; raw?: string } | Error

function stubFetch(answer: FetchAnswer): jest.Mock {
  const fetch = jest.fn(async () => {
    if (answer instanceof Error) throw answer
    const status = answer.status ?? 200
    const text = answer.raw ?? JSON.stringify(answer.body)
    return {
      ok: status >= 200 && status < 300,
      status,
      json: async () => JSON.parse(text),
    }
  })
  ;(global as unknown as { fetch: jest.Mock }).fetch = fetch
  return fetch
}

describe('cloud client (H5 transport)', () => {
  it('posts { action, data } to the function endpoint with the session cookie', async () => {
    const fetch = stubFetch({ body: ok({ expiresIn: 300, resendAfter: 60 }) })

    await expect(memberApi.sendJoinCode({ phone: '13800001234' })).resolves.toEqual(
      ok({ expiresIn: 300, resendAfter: 60 }),
    )
    expect(fetch).toHaveBeenCalledWith('/api/functions/member', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'sendJoinCode', data: { phone: '13800001234' } }),
    })
  })

  it('sends an action without data as { action } only', async () => {
    const fetch = stubFetch({ body: ok({ notice: NOTICE, stores: STORES }) })

    await expect(memberApi.joinForm()).resolves.toEqual(ok({ notice: NOTICE, stores: STORES }))
    expect(JSON.parse(fetch.mock.calls[0][1].body)).toEqual({ action: 'joinForm' })
  })

  it.each<{ problem: string; answer: FetchAnswer; code: 'NETWORK' | 'INTERNAL' }>([
    { problem: 'the server cannot be reached', answer: new TypeError('Failed to fetch'), code: 'NETWORK' },
    {
      problem: 'a gateway sends an HTML error page',
      answer: { status: 502, raw: '<html>Bad Gateway</html>' },
      code: 'NETWORK',
    },
    { problem: 'the answer is not JSON', answer: { raw: 'oops' }, code: 'INTERNAL' },
    { problem: 'the answer has no ok flag', answer: { body: { data: {} } }, code: 'INTERNAL' },
    {
      problem: 'the error code is unknown',
      answer: { body: { ok: false, code: 'WHATEVER', message: 'x' } },
      code: 'INTERNAL',
    },
  ])('turns "$problem" into $code with its zh-CN message', async ({ answer, code }) => {
    stubFetch(answer)

    await expect(memberApi.home()).resolves.toEqual({ ok: false, code, message: ERROR_MESSAGES[code] })
  })

  it('passes a failure through with its field, showing the local zh-CN text', async () => {
    stubFetch({ body: { ok: false, code: 'SMS_CODE_WRONG', message: 'Error: at line 3', field: 'smsCode' } })

    await expect(callAction('member', 'sendJoinCode', { phone: '13800001234' })).resolves.toEqual({
      ok: false,
      code: 'SMS_CODE_WRONG',
      message: ERROR_MESSAGES.SMS_CODE_WRONG,
      field: 'smsCode',
    })
  })

  it('passes the wait of a refusal through and says it in the local text', async () => {
    stubFetch({ body: { ok: false, code: 'SMS_RESEND_TOO_SOON', message: 'x', retryAfter: 42 } })

    await expect(callAction('member', 'sendJoinCode', { phone: '13800001234' })).resolves.toEqual({
      ok: false,
      code: 'SMS_RESEND_TOO_SOON',
      message: '验证码发送过于频繁，请42秒后再试',
      retryAfter: 42,
    })
  })

  it('[L-7] hands the member card over as the server masked it, and null for a shopper who is not a member', async () => {
    stubFetch({ body: ok({ member: MEMBER }) })
    await expect(memberApi.home()).resolves.toEqual(ok({ member: MEMBER }))

    stubFetch({ body: ok({ member: null }) })
    await expect(memberApi.home()).resolves.toEqual(ok({ member: null }))
  })
})
