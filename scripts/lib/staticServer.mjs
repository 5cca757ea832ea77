// Serves the built app (dist/) on loopback, the way any static host would,
// plus /local-peer.json when `npm start` runs a peer beside it.
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { extname, join, normalize } from 'node:path';
import { appPolicy, headerPolicy } from './contentSecurityPolicy.mjs';
import { contentTypeOf } from './contentTypes.mjs';


/**
 * @typedef {object} StaticServer
 * @property {string} origin
 * @property {(path: string, body: string | undefined) => void} override
 *   serve `body` at `path` instead of the file (undefined restores the file);
 *   lets a test publish a "new version" of the service worker.
 * @property {(path: string) => Promise<string>} read the body served at `path`.
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ root: string, port?: number, host?: string, localPeer?: object, tls?: { key: string, cert: string } }} options
 *   `tls` serves over https (PEM key and certificate), as a real deployment would.
 * @returns {Promise<StaticServer>}
 */
export async function startStaticServer({ root, port = 0, host = '127.0.0.1', localPeer, tls }) {
  /** @type {Map<string, string>} */
  const overrides = new Map();

  async function body(path) {
    if (overrides.has(path)) return { data: Buffer.from(overrides.get(path) ?? ''), file: path };
    const file = normalize(join(root, path));
    if (!file.startsWith(normalize(root))) return null;
    try {
      const info = await stat(file);
      if (info.isFile()) return { data: await readFile(file), file };
    } catch {
      // Not a file: fall through to the app shell below.
    }
    return null;
  }

  const handler = async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/local-peer.json') {
      if (!localPeer) return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      return void res.end(JSON.stringify(localPeer));
    }
    let found = await body(path === '/' ? '/index.html' : path);
    // Unknown paths get the app shell, as a single-page app's host does.
    if (!found && !extname(path)) found = await body('/index.html');
    if (!found) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    const type = contentTypeOf(found.file);
    // The service worker and the shell must be revalidated so updates are seen;
    // hashed assets can be cached for good.
    const isHashed = /\/assets\//.test(found.file);
    // The same policy the build put in the page's <meta>, plus what only a
    // header can say (the service worker gets it from this header too).
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': isHashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'Content-Security-Policy': headerPolicy(appPolicy()),
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(found.data);
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    origin: `${tls ? 'https' : 'http'}://${host}:${actualPort}`,
    override: (path, content) => (content === undefined ? overrides.delete(path) : overrides.set(path, content)),
    read: async (path) => (await body(path))?.data.toString('utf8') ?? '',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
