// The project has no @types/qrcode; these are the parts local-cloud (and its tests) use.
declare module 'qrcode' {
  interface ToBufferOptions {
    type?: 'png'
    width?: number
    margin?: number
    errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H'
    color?: { dark?: string; light?: string }
  }
  export interface QRCodeData {
    modules: { size: number; data: Uint8Array }
  }
  export function toBuffer(text: string, options?: ToBufferOptions): Promise<Buffer>
  export function create(text: string, options?: ToBufferOptions): QRCodeData
  const QRCode: { toBuffer: typeof toBuffer; create: typeof create }
  export default QRCode
}

// qrcode's PNG renderer: render() draws the code into an RGBA pixel buffer (a pngjs image).
declare module 'qrcode/lib/renderer/png' {
  import type { QRCodeData, ToBufferOptions } from 'qrcode'
  export function render(
    data: QRCodeData,
    options?: ToBufferOptions,
  ): { width: number; height: number; data: Buffer }
}
