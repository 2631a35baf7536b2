// Sample images as the server sends them (base64 of uint8 pixels, row-major height x
// width x channels, 1 or 3 channels) turned into RGBA for a canvas.

export function toRgba(base64: string, width: number, height: number, channels: number): Uint8ClampedArray<ArrayBuffer> {
  const raw = atob(base64);
  const out = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  for (let p = 0; p < width * height; p += 1) {
    if (channels === 1) {
      const v = raw.charCodeAt(p);
      out[p * 4] = v;
      out[p * 4 + 1] = v;
      out[p * 4 + 2] = v;
    } else {
      out[p * 4] = raw.charCodeAt(p * 3);
      out[p * 4 + 1] = raw.charCodeAt(p * 3 + 1);
      out[p * 4 + 2] = raw.charCodeAt(p * 3 + 2);
    }
    out[p * 4 + 3] = 255;
  }
  return out;
}
