// What every command that changes a CouchDB 3 server checks and does first,
// shared by setup-peer and deploy-app: the server and its admin from the URL
// or the options, that the server is CouchDB (3), that the login is a server
// admin, and the few writes both make (config values, databases).
import { parseServerUrl, SetupPeerError, unexpected } from './setupPeerHttp.mjs';

/**
 * The server (without credentials) and its admin login, from the URL
 * (http://admin:PASS@host:5984) or `admin` / `adminPassword`.
 * @param {{ url: string, admin?: string, adminPassword?: string }} options
 */
export function serverAndAdmin(options) {
  const target = parseServerUrl(options.url);
  const admin = options.admin ?? target.credentials?.name;
  const adminPassword = options.adminPassword ?? (options.admin === undefined ? target.credentials?.password : undefined);
  if (!admin || adminPassword === undefined) {
    throw new SetupPeerError('usage', 'Needs a CouchDB server admin: put it in the URL (http://admin:PASSWORD@host:5984) or pass --admin NAME --admin-password PASSWORD.');
  }
  return { target, adminAuth: { name: admin, password: adminPassword } };
}

/** GET / must be CouchDB's welcome; returns its version (warning about versions before 3). */
export async function checkWelcome(request, ctx, say) {
  let reply = await request('GET', '/');
  // [chttpd] require_valid_user = true makes even the welcome need a login.
  if (reply.status === 401 && reply.json?.error) reply = await request('GET', '/', { auth: ctx.adminAuth });
  if (reply.status >= 300 && reply.status < 400) {
    throw new SetupPeerError('not-couchdb', `${ctx.target.display} redirects (HTTP ${reply.status}) to ${reply.location ?? 'another address'}. Run again with the address it redirects to.`);
  }
  if (reply.json?.db_name) {
    throw new SetupPeerError('not-couchdb', `${ctx.target.display} is a database, not the server. Give the server's address and the database with --db ${reply.json.db_name}.`);
  }
  if (reply.status !== 200 || typeof reply.json?.couchdb !== 'string') {
    const kind = reply.contentType ? reply.contentType.split(';')[0] : 'no content type';
    throw new SetupPeerError('not-couchdb', `${ctx.target.display} answered HTTP ${reply.status} (${kind}), not CouchDB's welcome. Is that the CouchDB port (5984 for http, 6984 for https)?`);
  }
  const version = String(reply.json.version ?? 'unknown');
  const vendor = reply.json.vendor?.name ? ` (${reply.json.vendor.name})` : '';
  say(`Found CouchDB ${version}${vendor} at ${ctx.target.display}.`);
  const major = /^(\d+)\./.exec(version);
  if (major && Number(major[1]) < 3) {
    ctx.warn(`CouchDB ${version} is older than 3. p2pcloud is tested with CouchDB 3; CORS moved from [httpd] to [chttpd] in 3.0, so the CORS step may not take effect. Upgrading is recommended.`);
  }
  return version;
}

/** The server config, which only a server admin may read. */
export async function readConfigAsAdmin(request, ctx) {
  const reply = await request('GET', '/_node/_local/_config', { auth: ctx.adminAuth });
  if (reply.status === 401) {
    throw new SetupPeerError('auth', `CouchDB refused the admin name or password (HTTP 401). Check the credentials of "${ctx.adminAuth.name}".`);
  }
  if (reply.status === 403) {
    throw new SetupPeerError('auth', `"${ctx.adminAuth.name}" signed in, but is not a server admin (HTTP 403). Use a server admin, e.g. the one set when CouchDB was installed.`);
  }
  if (reply.status !== 200 || !reply.json || typeof reply.json !== 'object') throw unexpected('Reading the server config', reply);
  return reply.json;
}

export async function setConfig(request, ctx, section, key, value) {
  const reply = await request('PUT', `/_node/_local/_config/${section}/${key}`, { body: value, auth: ctx.adminAuth });
  if (reply.status !== 200) throw unexpected(`Setting ${section}/${key}`, reply);
}

/** Creates a database unless it is there (412); `say` is null to keep quiet about one that is. */
export async function ensureDatabase(request, ctx, name, say) {
  const reply = await request('PUT', `/${encodeURIComponent(name)}`, { auth: ctx.adminAuth });
  if (reply.status === 201 || reply.status === 202) return ctx.changed(`created the database "${name}"`);
  if (reply.status === 412) return say?.(`The database "${name}" is already there.`);
  throw unexpected(`Creating the database "${name}"`, reply);
}

