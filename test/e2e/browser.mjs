// Debian Chromium driven by playwright-core, with a fresh profile per launch.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { after } from 'node:test'
import { chromium } from 'playwright-core'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots')

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** A phone-sized browser on a fresh user-data dir; `close()` removes the profile. */
export async function launchBrowser({ viewport = { width: 390, height: 844 } } = {}) {
  const userDataDir = mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport,
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  context.setDefaultTimeout(15_000)
  return {
    context,
    async close() {
      await context.close()
      rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Saves the viewport as test-results/screenshots/<name>.png and returns its path. (Taro H5 pages
 * scroll inside their own container, so a full-page shot would show no more.)
 */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}

/** Waits for running finite animations (page transitions, popups) to end, for steady screenshots. */
export async function settle(page) {
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().endTime !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  )
}

/**
 * Runs a journey's steps in order: `step(name, fn)` is a subtest of `t`; after a failed step
 * `onFailure(n)` runs (a screenshot) and the remaining steps are skipped, not failed.
 */
export function journey(t, onFailure) {
  let failed = false
  let count = 0
  return (name, fn) => {
    const n = ++count
    return t.test(name, { skip: failed && 'an earlier step failed' }, async () => {
      try {
        await fn()
      } catch (error) {
        failed = true
        await onFailure(n).catch(() => undefined)
        throw error
      }
    })
  }
}

/**
 * One browser and page for a test file, on a 375×812 phone unless told otherwise: `open()` (in
 * the file's `before`) launches it and answers the page; it is closed after the file's tests,
 * listing the screenshots `shot(name)` saved as `<prefix>-<name>`.
 */
export function browserSession(prefix, { viewport = { width: 375, height: 812 } } = {}) {
  const shots = []
  let browser
  let page
  after(async () => {
    await browser?.close()
    if (shots.length > 0) console.log(`screenshots:\n  ${shots.join('\n  ')}`)
  })
  return {
    async open() {
      browser = await launchBrowser({ viewport })
      page = await browser.context.newPage()
      return page
    },
    async shot(name) {
      await settle(page)
      shots.push(await screenshot(page, `${prefix}-${name}`))
    },
  }
}

/** Switches the browser's persona (the dev panel's endpoint) and opens `hash` afresh. */
export async function asPersona(page, baseUrl, persona, hash) {
  await page.request.post(new URL('/api/dev/persona', baseUrl).href, { data: { persona } })
  await page.goto(`${baseUrl}#${hash}`)
  await page.reload()
}

/** Opens the 员工 tab's workbench as a staff persona, whatever page the browser was on. */
export async function asStaff(page, baseUrl, persona) {
  await asPersona(page, baseUrl, persona, '/pages/workbench/index')
  await page.locator('.workbench__me:visible').waitFor({ timeout: 20_000 })
}
