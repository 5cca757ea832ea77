// The input checks and the HTTP client behind setupPeer.mjs. Every failure
// becomes a SetupPeerError whose message says what went wrong and what to do,
// and never contains a password (URLs are shown without their user info).

/** Exit codes of `npm run setup-peer`, one per kind of failure. */
export const EXIT = { usage: 2, unreachable: 3, 'not-couchdb': 4, auth: 5, http: 6, 'no-space': 7 };

/** A failure with a message meant for the person running the script. */
export class SetupPeerError extends Error {
  /**
   * @param {keyof typeof EXIT} kind
   * @param {string} message
   */
  constructor(kind, message) {
    super(message);
    this.name = 'SetupPeerError';
    /** @type {keyof typeof EXIT} */
    this.kind = kind;
    /** @type {number} */
    this.exitCode = EXIT[kind];
  }
}

/**
 * The CouchDB server URL: its base (no credentials, no trailing slash; a
 * path is kept for servers behind a reverse proxy under a prefix) and the
 * admin credentials it may carry (http://admin:pass@host:5984).
 * @param {string} raw
 * @returns {{ base: string, display: string, hostname: string, credentials: { name: string, password: string } | null }}
 */
export function parseServerUrl(raw) {
  let url;
  try {
    // "pi.local:5984" parses as a URL of scheme "pi.local:"; what is meant
    // is a host, so a missing "scheme://" counts as not a URL.
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) throw new Error('no scheme');
    url = new URL(raw);
  } catch {
    throw new SetupPeerError('usage', 'That is not a URL. Give the CouchDB server address with http:// or https://, e.g. http://admin:PASSWORD@pi.local:5984');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SetupPeerError('usage', `"${url.protocol}" is not http: or https:. Give the CouchDB server address, e.g. https://pi.local:6984`);
  }
  const credentials = url.username ? { name: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : null;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const base = url.href.replace(/\/+$/, '');
  return { base, display: base, hostname: url.hostname, credentials };
}

/**
 * The app's origin as browsers send it: scheme://host[:port], nothing more.
 * @param {string} raw
 * @returns {string}
 */
export function normalizeOrigin(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new SetupPeerError('usage', `--origin "${raw}" is not a URL. Give the app's origin, e.g. https://notes.example.com`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
    throw new SetupPeerError('usage', `--origin must be http(s)://host[:port], as in the browser's address bar`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new SetupPeerError('usage', `--origin is only scheme://host:port (browsers send no path); use ${url.origin}`);
  }
  return url.origin;
}

/**
 * Checks a database name against CouchDB's rules.
 * @param {string} name
 * @returns {string}
 */
export function checkDbName(name) {
  if (!/^[a-z][a-z0-9_$()+/-]*$/.test(name)) {
    throw new SetupPeerError('usage', `"${name}" is not a valid CouchDB database name: a lowercase letter first, then a-z 0-9 _$()+-/`);
  }
  return name;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Turns a fetch rejection into what it means for the person at the keyboard. */
function unreachable(err, target, timeoutMs) {
  const e = /** @type {any} */ (err);
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return new SetupPeerError('unreachable', `No answer from ${target.display} within ${timeoutMs / 1000} s (timeout). Is the host up, and is a firewall dropping the port?`);
  }
  const cause = e?.cause ?? e;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code === 'ECONNREFUSED') {
    return new SetupPeerError('unreachable', `Connection refused by ${target.display}: nothing listens there. Is CouchDB running, on that port, and listening on the network ([chttpd] bind_address = 0.0.0.0)?`);
  }
  if (cause?.message === 'bad port') {
    return new SetupPeerError('unreachable', `${target.display} uses a port that fetch, like browsers, refuses to connect to. CouchDB listens on 5984 (http) or 6984 (https).`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SetupPeerError('unreachable', `Cannot find the host "${target.hostname}" (DNS lookup failed). Check the name; for a .local name, mDNS (avahi / Bonjour) must work on this computer.`);
  }
  if (TLS_CODES.has(code)) {
    return new SetupPeerError('unreachable', `The TLS certificate of ${target.display} is not trusted here (${code}). If it comes from your own CA (e.g. Caddy's local CA), run with NODE_EXTRA_CA_CERTS=/path/to/root.crt`);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO') {
    return new SetupPeerError('unreachable', `TLS failed with ${target.display}: is that port serving plain http? CouchDB's https port is usually 6984.`);
  }
  return new SetupPeerError('unreachable', `Cannot reach ${target.display} (${code ?? cause?.message ?? 'network error'}).`);
}

/**
 * @typedef {object} Reply
 * @property {number} status
 * @property {any} json the parsed body, or undefined when it is not JSON.
 * @property {string} contentType
 * @property {string | null} location
 */

/**
 * A small JSON client for one CouchDB server.
 * @param {{ fetch: typeof fetch, target: ReturnType<typeof parseServerUrl>, timeoutMs: number }} deps
 * @returns {(method: string, path: string, options?: { body?: unknown, auth?: { name: string, password: string } | null }) => Promise<Reply>}
 */
export function createClient({ fetch, target, timeoutMs }) {
  return async (method, path, { body, auth = null } = {}) => {
    /** @type {Record<string, string>} */
    const headers = { Accept: 'application/json' };
    if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.name}:${auth.password}`).toString('base64')}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      const res = await fetch(target.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        // A redirect (say http -> https) is reported, not followed with the password.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json, contentType: res.headers.get('content-type') ?? '', location: res.headers.get('location') };
    } catch (err) {
      throw unreachable(err, target, timeoutMs);
    }
  };
}

/**
 * The failure for an answer a step did not expect.
 * @param {string} what e.g. 'Creating the database "notes"'
 * @param {Reply} reply
 */
export function unexpected(what, reply) {
  const reason = reply.json?.reason ? `: ${reply.json.error ?? 'error'}, ${reply.json.reason}` : '';
  return new SetupPeerError('http', `${what} failed with HTTP ${reply.status}${reason}.`);
}
