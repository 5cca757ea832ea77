// Draws the app icons (public/icons/*.png) with no image library: a mesh of
// five nodes on the theme colour. Run `node scripts/make-icons.mjs` after
// changing the design; the PNGs are committed.
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const THEME = [0x0f, 0x76, 0x6e];
const WHITE = [0xff, 0xff, 0xff];

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size);
      raw.set([r, g, b, a], y * (size * 4 + 1) + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function distToSegment(px, py, [ax, ay], [bx, by]) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** @param {number} scale how much of the icon the mesh fills (maskable icons keep to the safe zone). */
function meshIcon(scale, rounded) {
  const nodes = [0, 1, 2, 3, 4].map((i) => {
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / 5;
    return [0.5 + 0.3 * scale * Math.cos(angle), 0.5 + 0.3 * scale * Math.sin(angle)];
  });
  return (x, y) => {
    if (rounded) {
      const r = 0.18;
      const cx = Math.min(Math.max(x, r), 1 - r);
      const cy = Math.min(Math.max(y, r), 1 - r);
      if (Math.hypot(x - cx, y - cy) > r) return [0, 0, 0, 0];
    }
    const onNode = nodes.some(([nx, ny]) => Math.hypot(x - nx, y - ny) < 0.07 * scale);
    let onEdge = false;
    for (let i = 0; i < nodes.length && !onEdge; i++) {
      for (let j = i + 1; j < nodes.length && !onEdge; j++) {
        onEdge = distToSegment(x, y, nodes[i], nodes[j]) < 0.012 * scale;
      }
    }
    return onNode || onEdge ? [...WHITE, 255] : [...THEME, 255];
  };
}

mkdirSync('public/icons', { recursive: true });
writeFileSync('public/icons/icon-192.png', png(192, meshIcon(1, true)));
writeFileSync('public/icons/icon-512.png', png(512, meshIcon(1, true)));
writeFileSync('public/icons/maskable-512.png', png(512, meshIcon(0.75, false)));
writeFileSync('public/icons/apple-touch-icon.png', png(180, meshIcon(0.8, false)));
console.log('icons written to public/icons/');
