/**
 * Small PNG "photos" (a few hundred bytes each) attached to some notes: valid PNG files (IHDR,
 * IDAT, IEND with CRC-32), drawn as soft colour gradients with a little noise.
 */
import { deflateSync } from 'node:zlib';
import { Rng } from './random.js';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An RGB PNG of `width` x `height`. */
export function makePng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  const raw = Buffer.alloc(height * (1 + width * 3));
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[o++] = r;
      raw[o++] = g;
      raw[o++] = b;
    }
  }
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export interface Photo {
  title: string;
  base64: string;
  size: number;
}

const TITLES = ['Photo de la plaie', 'Photo du pansement', "Photo de l'escarre", 'Photo de la rougeur', "Photo de l'ordonnance", 'Photo du pilulier'];

/** A fixed set of photos (the same for every data set). */
export const PHOTOS: readonly Photo[] = TITLES.map((title, i) => {
  const rng = Rng.for(0, 'photo', i);
  const [r0, g0, b0] = [rng.int(120, 230), rng.int(80, 200), rng.int(70, 190)];
  const png = makePng(24, 18, (x, y) => {
    const noise = rng.int(-6, 6);
    const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
    return [clamp(r0 + x * 2 + noise), clamp(g0 + y * 2 - noise), clamp(b0 + (x + y) + noise)];
  });
  return { title, base64: png.toString('base64'), size: png.length };
});
