/**
 * Mini-program codes (`wxacode.getUnlimited`, permanent and unlimited in number): staff invites,
 * campaigns and channels draw theirs here. The function's config.json must grant the permission.
 */

/** Which version of the mini-program a code opens. */
export type EnvVersion = 'release' | 'trial' | 'develop'

/**
 * The part of WeChat's openapi that draws mini-program codes, with the parameter names of the
 * cloud-call documentation (wx-server-sdk sends them as `check_path`, `env_version`).
 */
export interface WxacodeApi {
  wxacode: {
    getUnlimited(params: {
      scene: string
      page: string
      checkPath: boolean
      envVersion?: EnvVersion
      width: number
    }): Promise<{ buffer: Buffer | Uint8Array; contentType?: string }>
  }
}

/** Width in pixels: readable from a phone screen or a printed poster. */
const CODE_WIDTH = 430

export interface CodeOptions {
  /**
   * The version the code opens; a code for a version under development or trial is not checked
   * against the released pages. Absent: the released version, unchecked (the page may not be
   * released yet).
   */
  envVersion?: EnvVersion
  width?: number
}

/** The PNG of the code that opens `page` (of the main package, without query) with `scene`. */
export async function codePng(
  openapi: WxacodeApi,
  scene: string,
  page: string,
  options: CodeOptions = {},
): Promise<Buffer> {
  const { envVersion } = options
  const { buffer } = await openapi.wxacode.getUnlimited({
    scene,
    page,
    checkPath: envVersion === 'release',
    ...(envVersion ? { envVersion } : {}),
    width: options.width ?? CODE_WIDTH,
  })
  return Buffer.from(buffer)
}

/** The same code as base64 PNG (shown as `data:image/png;base64,<png>`), with its scene. */
export async function drawCode(
  openapi: WxacodeApi,
  scene: string,
  page: string,
): Promise<{ png: string; scene: string }> {
  return { png: (await codePng(openapi, scene, page)).toString('base64'), scene }
}
