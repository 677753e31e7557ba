/**
 * Runs the compiled weapp pages from dist/ in miniprogram-simulate (TOOLCHAIN pitfall 7): the
 * app bundle is loaded with stub App/getApp/getCurrentPages, the page's `Page(config)` becomes a
 * Component whose `attached` runs the page lifecycle, and the simulator's `wx` gets the cloud and
 * privacy APIs it lacks. Taro's setData is asynchronous: wait for a condition after every action.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import simulate from 'miniprogram-simulate'

export const DIST = path.resolve(__dirname, '../../../dist')

type Anything = Record<string, unknown>
// Note: the simulator's globals (wx, Component …) are untyped from the test's point of view.
const g = global as unknown as Anything & { wx: Anything; Component: (options: Anything) => void }

export interface CloudCall {
  name: string
  action: string
  data?: unknown
}

/** What each action answers: the `result` of `wx.cloud.callFunction`, or an Error to throw. */
export type CloudHandlers = Record<string, (data: unknown) => unknown>

/** Replaces `wx.cloud` with one that answers from `handlers` and records every call. */
export function stubCloud(handlers: CloudHandlers): CloudCall[] {
  const calls: CloudCall[] = []
  g.wx.cloud = {
    init: jest.fn(),
    callFunction: jest.fn(
      async ({ name, data }: { name: string; data: { action: string; data?: unknown } }) => {
        calls.push({ name, action: data.action, data: data.data })
        const handler = handlers[data.action]
        if (!handler) return { result: { ok: false, code: 'UNKNOWN_ACTION', message: '不支持的操作' } }
        const result = handler(data.data)
        if (result instanceof Error) throw result
        return { result }
      },
    ),
  }
  return calls
}

/** The `wx.cloud.init` mock of the last `stubCloud`. */
export function cloudInit(): jest.Mock {
  return (g.wx.cloud as { init: jest.Mock }).init
}

export interface PrivacyStub {
  needAuthorization: boolean
  openContract: jest.Mock
}

/** WeChat's privacy APIs as the base library has them (the simulator has none). */
export function stubPrivacy(needAuthorization: boolean): PrivacyStub {
  const stub: PrivacyStub = { needAuthorization, openContract: jest.fn() }
  g.wx.getPrivacySetting = ({ success }: { success: (r: Anything) => void }) =>
    success({
      needAuthorization: stub.needAuthorization,
      privacyContractName: '《和平百货会员隐私保护指引》',
      errMsg: 'getPrivacySetting:ok',
    })
  g.wx.onNeedPrivacyAuthorization = jest.fn()
  g.wx.openPrivacyContract = stub.openContract
  return stub
}

/**
 * WeChat's one-time subscribe dialog: answers `answer` for every template it is asked for (or
 * fails, as it does for an unknown template); the mock records each request.
 */
export function stubSubscribe(answer: 'accept' | 'reject' | 'fail'): jest.Mock {
  const request = jest.fn(
    ({
      tmplIds,
      success,
      fail,
    }: {
      tmplIds: string[]
      success: (r: Anything) => void
      fail: (e: Anything) => void
    }) => {
      if (answer === 'fail') {
        fail({ errCode: 20001, errMsg: 'requestSubscribeMessage:fail No template data return' })
        return
      }
      success({
        errMsg: 'requestSubscribeMessage:ok',
        ...Object.fromEntries(tmplIds.map((id) => [id, answer])),
      })
    },
  )
  g.wx.requestSubscribeMessage = request
  return request
}

/** A working local storage (the simulator's keeps nothing), shared across launches. */
export function stubStorage(): Map<string, unknown> {
  const store = new Map<string, unknown>()
  g.wx.setStorageSync = (key: string, value: unknown) => {
    store.set(key, value)
  }
  g.wx.getStorageSync = (key: string) => (store.has(key) ? store.get(key) : '')
  g.wx.removeStorageSync = (key: string) => {
    store.delete(key)
  }
  return store
}

/** Records navigation, which the simulator cannot perform. */
export function stubNavigation(): { reLaunch: jest.Mock; navigateTo: jest.Mock; switchTab: jest.Mock } {
  const done = (options: { success?: (r: Anything) => void; complete?: () => void }) => {
    options.success?.({ errMsg: 'ok' })
    options.complete?.()
  }
  const reLaunch = jest.fn(done)
  const navigateTo = jest.fn(done)
  g.wx.reLaunch = reLaunch
  const switchTab = jest.fn(done)
  g.wx.navigateTo = navigateTo
  g.wx.switchTab = switchTab
  return { reLaunch, navigateTo, switchTab }
}

type Lifecycle = 'onLoad' | 'onShow' | 'onReady'

type PageInstance = {
  route?: string
  __route__?: string
  setData: (data: Anything, callback?: () => void) => void
} & Partial<Record<Lifecycle, (query?: unknown) => void>>

type Node = ReturnType<ReturnType<typeof simulate.render>['querySelector']>

export interface RenderedPage {
  /** The node for a selector (class names as written in the source), or undefined. */
  find(selector: string): Node | undefined
  findAll(selector: string): Node[]
  /** Whether the first match is on screen: present, and neither it nor a parent is display:none. */
  shown(selector: string): boolean
  /** Text content of the first match; '' when there is none. */
  text(selector: string): string
  /**
   * A property the page gave the first match (e.g. an input's `maxlength`), as the template set
   * it; undefined when there is no match. Note: built-in components keep these off the DOM.
   */
  attribute(selector: string, name: string): unknown
  /** All the page's text. */
  content(): string
  /** Resolves once the page has stopped updating (no setData for a short while). */
  settle(): Promise<void>
  tap(selector: string): Promise<void>
  /** Types into an input (an `input` event), then leaves it (`blur`). */
  type(selector: string, value: string): Promise<void>
  /** A picker's `change` event. */
  pick(selector: string, value: number | string): Promise<void>
  trigger(selector: string, event: string, detail?: Anything): Promise<void>
}

const QUIET_MS = 40

function required(page: ReturnType<typeof simulate.render>, selector: string): NonNullable<Node> {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`nothing matches ${selector}`)
  return node
}

/** Loads the compiled app and renders one page of it, as WeChat would on launch. */
export function launch(route: string, query: Record<string, string> = {}): RenderedPage {
  const pagePath = path.join(DIST, route)
  if (!existsSync(`${pagePath}.js`)) {
    throw new Error(`${route} is not in ${DIST}: build the weapp first (npm run test:ui does)`)
  }
  let app: Anything = {}
  let pages: unknown[] = []
  let lastUpdate = Date.now()
  g.App = (config: Anything) => {
    app = config
  }
  g.getApp = () => app
  g.getCurrentPages = () => pages
  g.Page = (config: Anything) => {
    const methods: Anything = {}
    for (const [key, value] of Object.entries(config)) if (typeof value === 'function') methods[key] = value
    g.Component({
      data: config.data,
      methods,
      lifetimes: {
        attached(this: PageInstance) {
          const setData = this.setData
          this.setData = (data, callback) => {
            lastUpdate = Date.now()
            setData.call(this, data, callback)
          }
          this.route = route
          this.__route__ = route
          pages = [this]
          this.onLoad?.(query)
          this.onShow?.()
          this.onReady?.()
        },
      },
    })
  }

  let id = ''
  // A fresh Taro runtime and webpack chunk registry for every launch. Note: jest caches required
  // modules; isolating them makes the bundles run (and the page call Page) again.
  delete g.wx.webpackJsonp
  jest.isolateModules(() => {
    jest.requireActual(path.join(DIST, 'app.js'))
    ;(app.onLaunch as ((options: Anything) => void) | undefined)?.({ path: route, query, scene: 1001 })
    id = simulate.load(pagePath, { compiler: 'official', rootPath: DIST })
  })
  const page = simulate.render(id)
  page.attach(document.createElement('parent-wrapper'))

  const settle = async () => {
    // setData is asynchronous in Taro: wait for the update an action causes, then for quiet.
    await simulate.sleep(QUIET_MS)
    while (Date.now() - lastUpdate < QUIET_MS) await simulate.sleep(QUIET_MS / 2)
  }
  const act = async (selector: string, events: [string, Anything?][]) => {
    const node = required(page, selector)
    for (const [event, detail] of events) node.dispatchEvent(event, { detail: detail ?? {} })
    await settle()
  }

  return {
    find: (selector) => page.querySelector(selector) ?? undefined,
    findAll: (selector) => page.querySelectorAll(selector),
    shown: (selector) => {
      let element: Element | null = page.querySelector(selector)?.dom ?? null
      if (!element) return false
      for (; element; element = element.parentElement) {
        if (/display:\s*none/.test(element.getAttribute('style') ?? '')) return false
      }
      return true
    },
    text: (selector) => page.querySelector(selector)?.dom?.textContent ?? '',
    attribute: (selector, name) =>
      page
        .querySelector(selector)
        ?.toJSON()
        .attrs.find((a) => a.name === name)?.value,
    content: () => page.dom?.textContent ?? '',
    settle,
    tap: (selector) => act(selector, [['tap']]),
    type: (selector, value) =>
      act(selector, [
        ['focus', { value: '' }],
        ['input', { value, cursor: value.length }],
        ['blur', { value }],
      ]),
    pick: (selector, value) => act(selector, [['change', { value }]]),
    trigger: (selector, event, detail) => act(selector, [[event, detail]]),
  }
}

/** Polls until `probe` is truthy; fails with `what` after `timeout` ms. */
export async function until<T>(probe: () => T, what: string, timeout = 3000): Promise<NonNullable<T>> {
  const start = Date.now()
  for (;;) {
    const value = probe()
    if (value) return value as NonNullable<T>
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`)
    await simulate.sleep(20)
  }
}
