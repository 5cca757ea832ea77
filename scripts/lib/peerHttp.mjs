// Small HTTP helpers shared by the emulated peer's layers (peerServer.mjs and
// its peer*.mjs parts). Kept free of Express specifics where it costs nothing.

/**
 * The parts of Express's request and response these layers use (the project
 * has no @types/express; this is what the code relies on).
 * @typedef {import('node:http').IncomingMessage & { path: string, method: string, body?: any, _body?: boolean, peerUser?: import('./peerSecurity.mjs').PeerUser }} Req
 * @typedef {import('node:http').ServerResponse & { status(code: number): Res, set(name: string, value: string): Res, send(body: string): Res, end(): Res }} Res
 * @typedef {(req: Req, res: Res, next: (err?: unknown) => void) => void} Handler
 */

/**
 * Sends a JSON body the way CouchDB does (always application/json).
 * @param {Res} res
 * @param {number} status
 * @param {unknown} body
 */
export function sendJson(res, status, body) {
  res.status(status).set('Content-Type', 'application/json').send(JSON.stringify(body));
}

/**
 * The name and password of a Basic Authorization header, or null.
 * @param {string | undefined} header
 * @returns {{ name: string, password: string } | null}
 */
export function parseBasic(header) {
  if (!header || !header.startsWith('Basic ')) return null;
  const raw = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return null;
  return { name: raw.slice(0, i), password: raw.slice(i + 1) };
}

/**
 * The request path split into decoded segments: `/a%2Fb/c/` -> ['a/b', 'c'].
 * A segment that is not valid percent-encoding is kept as it came, so a bad
 * path reaches express-pouchdb's own 404 instead of throwing here.
 * @param {{ path: string }} req
 * @returns {string[]}
 */
export function pathSegments(req) {
  return req.path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

/**
 * Reads the whole request body as text, whatever its Content-Type: CouchDB
 * parses config values and documents as JSON even when curl sends
 * `-d '"true"'` as application/x-www-form-urlencoded.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} [limitBytes]
 * @returns {Promise<string>}
 */
export function readBody(req, limitBytes = 8 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Parses a JSON request body and leaves it on `req.body` with `req._body`
 * set, so express-pouchdb's body-parser skips re-reading the (consumed) stream
 * and works on what an earlier layer may have rewritten.
 * @param {Req} req
 * @returns {Promise<unknown>} the parsed body; rejects with status 400 on bad JSON.
 */
export async function readJsonBody(req) {
  if (req._body) return req.body;
  const text = await readBody(req);
  let body;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw Object.assign(new Error('invalid_json'), { status: 400 });
  }
  req.body = body;
  req._body = true;
  return body;
}

/**
 * Answers a body-reading failure the way CouchDB words it.
 * @param {Res} res
 * @param {unknown} err
 */
export function sendBodyError(res, err) {
  const status = /** @type {{ status?: number }} */ (err)?.status;
  if (status === 413) return sendJson(res, 413, { error: 'too_large', reason: 'the request entity is too large' });
  return sendJson(res, 400, { error: 'bad_request', reason: 'invalid_json' });
}

/**
 * Wraps an async Express handler so a rejection becomes a CouchDB-style 500
 * instead of an unhandled rejection that would take the process down.
 * @param {(req: Req, res: Res, next: (err?: unknown) => void) => Promise<unknown>} handler
 * @returns {Handler}
 */
export function asyncRoute(handler) {
  return (req, res, next) => {
    handler(req, res, next).catch((err) => {
      if (res.headersSent) return;
      sendJson(res, 500, { error: 'unknown_error', reason: err instanceof Error ? err.message : String(err) });
    });
  };
}
