/**
 * Mini-program codes (`wxacode.getUnlimited`, permanent and unlimited in number): staff invites
 * and campaigns draw theirs here. The function's config.json must grant the permission.
 */

/** The part of WeChat's openapi that draws mini-program codes. */
export interface WxacodeApi {
  wxacode: {
    getUnlimited(params: {
      scene: string
      page: string
      check_path: boolean
      width: number
    }): Promise<{ buffer: Buffer | Uint8Array }>
  }
}

/** Width in pixels: readable from a phone screen or a printed poster. */
const CODE_WIDTH = 430

/**
 * The code that opens `page` (of the main package, without query) with `scene`, as base64 PNG
 * (shown as `data:image/png;base64,<png>`). `check_path: false`: the page may not be released yet.
 */
export async function drawCode(
  openapi: WxacodeApi,
  scene: string,
  page: string,
): Promise<{ png: string; scene: string }> {
  const { buffer } = await openapi.wxacode.getUnlimited({ scene, page, check_path: false, width: CODE_WIDTH })
  return { png: Buffer.from(buffer).toString('base64'), scene }
}
