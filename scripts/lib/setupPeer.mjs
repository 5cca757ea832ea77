// Prepares an Apache CouchDB 3 server to be a p2pcloud peer: CORS for the
// app's origin, the database, and optionally a user who is a member of it.
// Every step reads first and writes only what differs, so a second run
// changes nothing and says so. Used by scripts/setup-peer.mjs; the tests call
// setupPeer() directly with their own fetch and log.
import { checkWelcome, ensureDatabase, readConfigAsAdmin, serverAndAdmin, setConfig } from './couchAdmin.mjs';
import { checkDbName, createClient, normalizeOrigin, SetupPeerError, unexpected } from './setupPeerHttp.mjs';

export { SetupPeerError, EXIT } from './setupPeerHttp.mjs';

/**
 * @typedef {object} SetupPeerOptions
 * @property {string} url the CouchDB server, e.g. https://admin:PASS@pi.local:6984
 * @property {string} [origin] the app's origin, to allow through CORS.
 * @property {string} [db] the database the app syncs with (default "notes").
 * @property {string} [user] a user to create in _users and make a member of the database.
 * @property {string} [password] that user's password (needed to create them; changes it if different).
 * @property {string} [admin] server admin name (else taken from the URL).
 * @property {string} [adminPassword] server admin password (else taken from the URL).
 * @property {number} [timeoutMs] per request (default 10 000).
 *
 * @typedef {object} SetupPeerResult
 * @property {string} version what the server's welcome says.
 * @property {string[]} changes what this run changed; empty when it was all set up already.
 * @property {string[]} warnings
 * @property {string} peerUrl the URL to add in the app (never with credentials).
 * @property {string} userName the name to sign in with in the app.
 */

const NEEDED_HEADERS = ['accept', 'authorization', 'content-type', 'origin', 'referer'];
const NEEDED_METHODS = ['GET', 'PUT', 'POST', 'HEAD', 'DELETE'];
const USER_PREFIX = 'org.couchdb.user:';

const split = (value) =>
  String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** `existing` plus whatever of `needed` it lacks (compared case-blind), or null if nothing is missing. */
function mergeList(existing, needed) {
  const items = split(existing);
  const have = new Set(items.map((s) => s.toLowerCase()));
  const missing = needed.filter((n) => !have.has(n.toLowerCase()));
  return missing.length ? [...items, ...missing].join(', ') : null;
}

/** Checks the options before anything goes over the network. */
function checkOptions(options) {
  const { target, adminAuth } = serverAndAdmin(options);
  if (options.password !== undefined && !options.user) throw new SetupPeerError('usage', '--password needs --user NAME.');
  if (options.user !== undefined && !/^[^_:][^:]*$/.test(options.user)) {
    throw new SetupPeerError('usage', `"${options.user}" cannot be a CouchDB user name (no ":" in it, and not starting with "_").`);
  }
  return {
    target,
    adminAuth,
    origin: options.origin === undefined ? undefined : normalizeOrigin(options.origin),
    db: checkDbName(options.db ?? 'notes'),
  };
}

/** Turns CORS on for the app's origin without dropping origins, headers or methods already allowed. */
async function ensureCors(request, ctx, config, say) {
  const cors = config.cors ?? {};
  const origins = split(cors.origins);
  const wanted = [
    ['chttpd', 'enable_cors', config.chttpd?.enable_cors === 'true' ? null : 'true', 'turned CORS on (chttpd/enable_cors)'],
    ['cors', 'origins', origins.includes('*') || origins.includes(ctx.origin) ? null : [...origins, ctx.origin].join(', '), `allowed the origin ${ctx.origin} (cors/origins)`],
    ['cors', 'credentials', cors.credentials === 'true' ? null : 'true', 'allowed credentials (cors/credentials)'],
    ['cors', 'headers', mergeList(cors.headers, NEEDED_HEADERS), 'allowed the headers the app sends (cors/headers)'],
    ['cors', 'methods', mergeList(cors.methods, NEEDED_METHODS), 'allowed the methods the app uses (cors/methods)'],
  ];
  for (const [section, key, value, done] of wanted) {
    if (value === null) continue;
    await setConfig(request, ctx, section, key, value);
    ctx.changed(`CORS: ${done}`);
  }
  if (origins.includes('*')) say('CORS: cors/origins is "*" (every origin); left as it is.');
  else if (wanted.every(([, , value]) => value === null)) say(`CORS: already on for ${ctx.origin}.`);
}

/** Creates the user, or sets their password when it differs; keeps their roles and other fields. */
async function ensureUser(request, ctx, user, password, say) {
  const path = `/_users/${encodeURIComponent(USER_PREFIX + user)}`;
  if (password === undefined) {
    const reply = await request('GET', path, { auth: ctx.adminAuth });
    if (reply.status === 200) return say(`The user "${user}" exists; password left as it is.`);
    if (reply.status === 404) throw new SetupPeerError('usage', `The user "${user}" does not exist yet: pass --password to create them.`);
    throw unexpected(`Looking up the user "${user}"`, reply);
  }
  // Passwords are stored hashed, so the way to compare is to sign in.
  const session = await request('GET', '/_session', { auth: { name: user, password } });
  if (session.status === 200 && session.json?.userCtx?.name === user) return say(`The user "${user}" exists, with that password.`);
  const doc = { _id: USER_PREFIX + user, name: user, password, roles: [], type: 'user' };
  const created = await request('PUT', path, { body: doc, auth: ctx.adminAuth });
  if (created.status === 201 || created.status === 202) return ctx.changed(`created the user "${user}"`);
  if (created.status !== 409) throw unexpected(`Creating the user "${user}"`, created);
  const current = await request('GET', path, { auth: ctx.adminAuth });
  if (current.status !== 200) throw unexpected(`Reading the user "${user}"`, current);
  const updated = await request('PUT', path, { body: { ...current.json, password }, auth: ctx.adminAuth });
  if (updated.status !== 201 && updated.status !== 202) throw unexpected(`Changing the password of "${user}"`, updated);
  return ctx.changed(`changed the password of the user "${user}"`);
}

/** Adds the user to the database's members, keeping everyone else in _security. */
async function ensureMember(request, ctx, db, user, say) {
  const path = `/${encodeURIComponent(db)}/_security`;
  const reply = await request('GET', path, { auth: ctx.adminAuth });
  if (reply.status !== 200) throw unexpected(`Reading the _security of "${db}"`, reply);
  const security = reply.json ?? {};
  const names = Array.isArray(security.members?.names) ? security.members.names : [];
  if (user === undefined) {
    const roles = (security.members?.roles ?? []).filter((r) => r !== '_admin');
    if (names.length === 0 && roles.length === 0) {
      ctx.warn(`"${db}" has no members, so in CouchDB 3 only server admins may use it. Pass --user NAME --password PASSWORD to create a user for the app.`);
    }
    return;
  }
  if (names.includes(user)) return say(`"${user}" is already a member of "${db}".`);
  const next = {
    ...security,
    admins: { names: [], roles: [], ...security.admins },
    members: { roles: [], ...security.members, names: [...names, user] },
  };
  const put = await request('PUT', path, { body: next, auth: ctx.adminAuth });
  if (put.status !== 200) throw unexpected(`Setting the _security of "${db}"`, put);
  return ctx.changed(`made "${user}" a member of "${db}" (_security)`);
}

/**
 * Prepares a CouchDB 3 server for the p2pcloud mesh and says what to enter in the app.
 * @param {SetupPeerOptions} options
 * @param {{ fetch: typeof fetch, log: (line: string) => void }} io
 * @returns {Promise<SetupPeerResult>} rejects with a SetupPeerError.
 */
export async function setupPeer(options, { fetch, log }) {
  const checked = checkOptions(options);
  /** @type {string[]} */
  const changes = [];
  /** @type {string[]} */
  const warnings = [];
  const ctx = {
    ...checked,
    changed: (what) => {
      changes.push(what);
      log(`Changed: ${what}.`);
    },
    warn: (what) => {
      warnings.push(what);
      log(`Warning: ${what}`);
    },
  };
  const request = createClient({ fetch, target: checked.target, timeoutMs: options.timeoutMs ?? 10_000 });
  const version = await checkWelcome(request, ctx, log);
  const config = await readConfigAsAdmin(request, ctx);
  log(`Signed in as the server admin "${ctx.adminAuth.name}".`);
  if (ctx.origin) await ensureCors(request, ctx, config, log);
  else ctx.warn('No --origin given: CORS left as it is. A browser app can reach this peer only from an origin CORS allows.');
  await ensureDatabase(request, ctx, ctx.db, log);
  if (options.user !== undefined) {
    // A CouchDB 3 set up by hand may lack _users, and then nobody but admins signs in.
    await ensureDatabase(request, ctx, '_users', null);
    await ensureUser(request, ctx, options.user, options.password, log);
  }
  await ensureMember(request, ctx, ctx.db, options.user, log);
  const peerUrl = `${ctx.target.base}/${encodeURIComponent(ctx.db)}`;
  const userName = options.user ?? ctx.adminAuth.name;
  if (ctx.target.base.startsWith('http:') && !/^(localhost|127\.[\d.]+|\[::1\])$/.test(ctx.target.hostname)) {
    ctx.warn('This peer is plain http: an app served over https cannot reach it (mixed content). Put TLS in front of it (see docs/raspberry-pi.md).');
  }
  log('');
  log(changes.length === 0 ? 'Nothing changed: this peer was already set up.' : `Done: ${changes.length} change(s).`);
  log('In the app, open Peers and add:');
  log(`  Peer URL:   ${peerUrl}`);
  log(`  User name:  ${userName}${options.user === undefined ? ' (the server admin; better create a user with --user)' : ''}`);
  log(`  Password:   ${options.user === undefined ? "the admin's password" : options.password === undefined ? `${userName}'s password` : 'the one given with --password'}`);
  return { version, changes, warnings, peerUrl, userName };
}
