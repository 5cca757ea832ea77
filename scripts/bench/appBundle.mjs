// Size of the JavaScript the built app's index.html loads before anything
// else (its module script and modulepreloads), raw and gzipped as a static
// host would send it, and of all JavaScript in the build for comparison.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * @param {string} dist the build's directory
 * @returns {Promise<{ initial: { files: string[], bytes: number, gzip: number }, all: { files: number, bytes: number, gzip: number } }>}
 */
export async function bundleSizes(dist) {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const tags = html.match(/<(script|link)\b[^>]*>/g) ?? [];
  const initial = tags
    .filter((tag) => /type="module"/.test(tag) || /rel="modulepreload"/.test(tag))
    .map((tag) => /(?:src|href)="([^"]+\.js)"/.exec(tag)?.[1])
    .filter(Boolean)
    .map((src) => src.replace(/^\.?\//, ''));
  const size = async (files) => {
    let bytes = 0;
    let gzip = 0;
    for (const file of files) {
      const data = await readFile(join(dist, file));
      bytes += data.length;
      gzip += gzipSync(data, { level: 9 }).length;
    }
    return { bytes, gzip };
  };
  const every = (await readdir(join(dist, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  return { initial: { files: initial, ...(await size(initial)) }, all: { files: every.length, ...(await size(every)) } };
}
