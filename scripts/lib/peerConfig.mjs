// The emulated peer's configuration: CouchDB 3's /_node/_local/_config API
// over an in-memory store, and a CORS layer that follows [chttpd] enable_cors
// and [cors] as CouchDB does.
import { formatAdminHash, hashPassword, DEFAULT_ITERATIONS } from './peerPasswords.mjs';
import { pathSegments, readBody, sendBodyError, sendJson, asyncRoute } from './peerHttp.mjs';

/**
 * @typedef {object} ConfigStore
 * @property {(section: string, key: string) => string | undefined} get
 * @property {(section: string, key: string, value: string) => string | undefined} set returns the old value.
 * @property {(section: string, key: string) => string | undefined} remove returns the old value.
 * @property {(section: string) => Record<string, string>} section a copy.
 * @property {() => Record<string, Record<string, string>>} all a copy.
 */

/**
 * An in-memory config, per server (like a CouchDB node's local.ini, minus the file).
 * @param {Record<string, Record<string, string>>} initial
 * @returns {ConfigStore}
 */
export function createConfig(initial) {
  /** @type {Map<string, Map<string, string>>} */
  const sections = new Map();
  for (const [name, values] of Object.entries(initial)) sections.set(name, new Map(Object.entries(values)));
  const toObject = (map) => Object.fromEntries([...(map ?? new Map())].sort(([a], [b]) => a.localeCompare(b)));
  return {
    get: (section, key) => sections.get(section)?.get(key),
    set(section, key, value) {
      if (!sections.has(section)) sections.set(section, new Map());
      const old = sections.get(section).get(key);
      sections.get(section).set(key, value);
      return old;
    },
    remove(section, key) {
      const old = sections.get(section)?.get(key);
      sections.get(section)?.delete(key);
      return old;
    },
    section: (section) => toObject(sections.get(section)),
    all: () => Object.fromEntries([...sections.keys()].sort().map((name) => [name, toObject(sections.get(name))])),
  };
}

const NOT_FOUND = { error: 'not_found', reason: 'unknown_config_value' };

/**
 * Serves GET /_node/{node}/_config[/{section}[/{key}]] and PUT/DELETE of a
 * key. Values travel as JSON strings; PUT and DELETE answer the old value.
 * Only server admins get here (the authorisation layer sees to that).
 * @param {ConfigStore} config
 * @returns {import('./peerHttp.mjs').Handler}
 */
export function configRoutes(config) {
  return asyncRoute(async (req, res, next) => {
    const [node, nodeName, configSeg, section, key, ...rest] = pathSegments(req);
    if (node !== '_node' || configSeg !== '_config' || rest.length > 0) return next();
    if (nodeName !== '_local' && nodeName !== 'nonode@nohost') {
      return sendJson(res, 404, { error: 'not_found', reason: 'no such node' });
    }
    if (key === undefined) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed', reason: 'Only GET allowed' });
      return sendJson(res, 200, section === undefined ? config.all() : config.section(section));
    }
    if (req.method === 'GET') {
      const value = config.get(section, key);
      return value === undefined ? sendJson(res, 404, NOT_FOUND) : sendJson(res, 200, value);
    }
    if (req.method === 'DELETE') {
      const old = config.remove(section, key);
      return old === undefined ? sendJson(res, 404, NOT_FOUND) : sendJson(res, 200, old);
    }
    if (req.method !== 'PUT') return sendJson(res, 405, { error: 'method_not_allowed', reason: 'Only GET,PUT,DELETE allowed' });
    let value;
    try {
      value = JSON.parse(await readBody(req, 64 * 1024));
    } catch (err) {
      return sendBodyError(res, err);
    }
    if (typeof value !== 'string') return sendJson(res, 400, { error: 'bad_request', reason: 'the value must be a JSON string' });
    if (section === 'admins' && !value.startsWith('-pbkdf2')) {
      // CouchDB never keeps an admin password in clear: it hashes on the way in.
      const iterations = Number(config.get('chttpd_auth', 'iterations')) || DEFAULT_ITERATIONS;
      value = formatAdminHash(await hashPassword(value, iterations));
    }
    const old = config.set(section, key, value);
    return sendJson(res, 200, old ?? '');
  });
}

// What CouchDB 3 lets through without any [cors] headers setting, and what
// it exposes to scripts on ordinary responses.
const SUPPORTED_HEADERS = [
  'accept', 'accept-language', 'authorization', 'content-length', 'content-range', 'content-type',
  'destination', 'expires', 'if-match', 'last-modified', 'origin', 'pragma', 'x-couch-full-commit',
  'x-couch-id', 'x-couch-persist', 'x-couchdb-www-authenticate', 'x-http-method-override',
  'x-requested-with', 'x-couch-request-id',
];
const DEFAULT_METHODS = 'GET, HEAD, POST, PUT, DELETE, TRACE, CONNECT, COPY, OPTIONS';
const EXPOSED_HEADERS = 'content-type, cache-control, accept-ranges, etag, server, x-couch-request-id, x-couch-update-newrev, x-couchdb-body-time';

const list = (value) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * CORS decided per request from the config, like CouchDB 3's chttpd_cors: no
 * CORS headers at all unless enable_cors is "true" and the Origin is listed
 * in cors/origins (or that is "*"). A refused preflight gets no CORS headers,
 * so the browser blocks the real request.
 * @param {ConfigStore} config
 * @returns {import('./peerHttp.mjs').Handler}
 */
export function corsFromConfigLayer(config) {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!origin || config.get('chttpd', 'enable_cors') !== 'true') return next();
    const origins = list(config.get('cors', 'origins'));
    const wildcard = origins.includes('*');
    if (!wildcard && !origins.includes(origin)) return next();
    const credentials = config.get('cors', 'credentials') === 'true';
    // A wildcard with credentials has to name the origin: browsers refuse
    // `*` together with Allow-Credentials.
    const allowOrigin = wildcard && !credentials ? '*' : origin;
    const preflightMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && preflightMethod) {
      const methods = list(config.get('cors', 'methods') ?? DEFAULT_METHODS).map((m) => m.toUpperCase());
      if (!methods.includes(String(preflightMethod).toUpperCase())) return next();
      const allowed = new Set([...SUPPORTED_HEADERS, ...list(config.get('cors', 'headers')).map((h) => h.toLowerCase())]);
      const requested = list(String(req.headers['access-control-request-headers'] ?? '')).map((h) => h.toLowerCase());
      res.set('Access-Control-Allow-Origin', allowOrigin);
      if (credentials) res.set('Access-Control-Allow-Credentials', 'true');
      res.set('Access-Control-Allow-Methods', methods.join(', '));
      res.set('Access-Control-Allow-Headers', requested.filter((h) => allowed.has(h)).join(', '));
      res.set('Access-Control-Max-Age', config.get('cors', 'max_age') ?? '600');
      res.set('Vary', 'Origin');
      return res.status(204).end();
    }
    res.set('Access-Control-Allow-Origin', allowOrigin);
    if (credentials) res.set('Access-Control-Allow-Credentials', 'true');
    res.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    res.set('Vary', 'Origin');
    return next();
  };
}

/**
 * The Content-Security-Policy CouchDB 3.2+ sends with every attachment it
 * serves: `sandbox` (no script runs, no service worker registers) unless
 * [csp] attachments_enable is "false" or attachments_header_value says
 * otherwise. Design documents' attachments (a couchapp) get it too.
 * @param {ReturnType<typeof createConfig>} config
 * @returns {import('./peerHttp.mjs').Handler}
 */
export function attachmentCspLayer(config) {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const [db, doc, ...rest] = pathSegments(req);
    const isAttachment =
      db !== undefined && !db.startsWith('_') && doc !== undefined &&
      (doc === '_design' ? rest.length >= 2 : !doc.startsWith('_') && rest.length >= 1);
    if (isAttachment && config.get('csp', 'attachments_enable') !== 'false') {
      res.setHeader('Content-Security-Policy', config.get('csp', 'attachments_header_value') ?? 'sandbox');
    }
    return next();
  };
}
