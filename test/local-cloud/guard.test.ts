/* eslint-disable @typescript-eslint/no-require-imports -- each require() re-evaluates the module in isolation */
import { detectCloudRuntime } from '../../local-cloud/guard'

describe('refuses to load inside the real cloud', () => {
  const markers = ['TENCENTCLOUD_RUNENV', 'SCF_RUNTIME', 'TCB_CONTEXT_KEYS']
  const modules = [
    '../../local-cloud/runtime',
    '../../local-cloud/sdk',
    '../../local-cloud/testing',
    'wx-server-sdk',
  ]

  it.each(markers)('importing local-cloud with %s set throws a clear error', (marker) => {
    const saved = process.env[marker]
    process.env[marker] = marker === 'TENCENTCLOUD_RUNENV' ? 'SCF' : 'x'
    try {
      for (const name of modules) {
        jest.isolateModules(() => {
          expect(() => require(name)).toThrow(
            /local-cloud must not be loaded inside a CloudBase \/ SCF runtime/,
          )
        })
      }
    } finally {
      if (saved === undefined) delete process.env[marker]
      else process.env[marker] = saved
    }
  })

  it('loads on a development machine', () => {
    expect(detectCloudRuntime({})).toBeUndefined()
    jest.isolateModules(() => {
      expect(() => require('../../local-cloud/runtime')).not.toThrow()
    })
  })
})
