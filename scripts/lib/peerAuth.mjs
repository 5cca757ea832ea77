// Authentication and authorisation in front of express-pouchdb, as Apache
// CouchDB 3 decides them: Basic auth against the [admins] config section,
// the server's `members` option and the _users database; then server admins
// may do anything, and everyone else only what a database's _security (or a
// user's own _users document) allows.
import { parseAdminHash, verifyPassword } from './peerPasswords.mjs';
import { asyncRoute, parseBasic, pathSegments, sendJson } from './peerHttp.mjs';
import { isDbAdmin, isDbMember, isPublic } from './peerSecurity.mjs';
import { findUserDoc, USER_PREFIX, USERS_DB } from './peerUsers.mjs';

/**
 * @typedef {import('./peerSecurity.mjs').PeerUser} PeerUser
 * @typedef {import('./peerSecurity.mjs').SecurityStore} SecurityStore
 * @typedef {import('./peerConfig.mjs').ConfigStore} ConfigStore
 */

const WELCOME = {
  // The shape of CouchDB's welcome, honest about what answers.
  couchdb: 'Welcome',
  version: 'express-pouchdb',
  vendor: { name: 'PouchDB Server' },
};
const NOT_AUTHORIZED = { error: 'unauthorized', reason: 'You are not authorized to access this db.' };
const BAD_LOGIN = { error: 'unauthorized', reason: 'Name or password is incorrect.' };
const NOT_SERVER_ADMIN = { error: 'forbidden', reason: 'You are not a server admin.' };
const NOT_DB_ADMIN = { error: 'forbidden', reason: 'You are not a db or server admin.' };
const NOT_MEMBER = { error: 'forbidden', reason: 'You are not allowed to access this db.' };

/**
 * Who the credentials belong to, or null when they sign nobody in. A name
 * found in one place is checked only there, as CouchDB does: an admin's
 * wrong password does not fall through to a _users user of the same name.
 * @param {{ name: string, password: string }} creds
 * @param {{ config: ConfigStore, members: Record<string, string>, PouchDB: any }} deps
 * @returns {Promise<PeerUser | null>}
 */
async function authenticate(creds, { config, members, PouchDB }) {
  const adminValue = config.get('admins', creds.name);
  if (adminValue !== undefined) {
    const hash = parseAdminHash(adminValue);
    const ok = hash !== null && (await verifyPassword(creds.password, hash));
    return ok ? { name: creds.name, roles: ['_admin'], isAdmin: true, fromMembersOption: false } : null;
  }
  if (Object.hasOwn(members, creds.name)) {
    return members[creds.name] === creds.password
      ? { name: creds.name, roles: [], isAdmin: false, fromMembersOption: true }
      : null;
  }
  const doc = await findUserDoc(PouchDB, creds.name);
  if (!doc || doc.type !== 'user' || !(await verifyPassword(creds.password, doc))) return null;
  const roles = Array.isArray(doc.roles) ? doc.roles.filter((r) => typeof r === 'string' && r !== '_admin') : [];
  return { name: creds.name, roles, isAdmin: false, fromMembersOption: false };
}

/**
 * The reason to refuse `user` this request, or null to let it through.
 * @param {import('./peerHttp.mjs').Req} req
 * @param {PeerUser} user
 * @param {SecurityStore} security
 * @returns {Promise<{ error: string, reason: string } | null>}
 */
async function refusal(req, user, security) {
  if (user.isAdmin) return null;
  const segs = pathSegments(req);
  const [first] = segs;
  if (first === undefined || first === '_session' || first === '_uuids') return null;
  if (first === USERS_DB) {
    // A user may read and update their own document (the write layer keeps
    // their roles as they are), nothing else in _users.
    const own = segs.length === 2 && segs[1] === USER_PREFIX + user.name && !user.fromMembersOption;
    return own && ['GET', 'HEAD', 'PUT'].includes(req.method) ? null : NOT_SERVER_ADMIN;
  }
  if (first.startsWith('_')) return NOT_SERVER_ADMIN;
  if (segs.length === 1 && (req.method === 'PUT' || req.method === 'DELETE')) return NOT_SERVER_ADMIN;
  // Where this peer keeps _security: reachable only through /{db}/_security.
  if (segs[1] === '_local' && segs[2] === '_security') return NOT_DB_ADMIN;
  // The cached object spares replication's many small requests a lookup of
  // every database name; it is dropped whenever the database is deleted.
  let sec = security.cached(first);
  if (!sec) {
    // A missing database is 404 for anyone signed in, as in CouchDB, not 403.
    if (!(await security.exists(first))) return null;
    sec = await security.get(first);
  }
  if (isDbAdmin(sec, user)) return null;
  if (segs[1] === '_security' && req.method !== 'GET' && req.method !== 'HEAD') return NOT_DB_ADMIN;
  return isDbMember(sec, user) ? null : NOT_MEMBER;
}

/**
 * Whether a request with no credentials may go on: reading a public database
 * (isPublic), as CouchDB 3 lets anyone. Writing needs a login here
 * (CouchDB would take anonymous writes of ordinary documents and leave
 * refusing them to a validate_doc_update function, as deploy-app installs).
 * @param {import('./peerHttp.mjs').Req} req
 * @param {SecurityStore} security
 */
async function anonymousMayPass(req, security) {
  const segs = pathSegments(req);
  const [db] = segs;
  if (db === undefined || db.startsWith('_') || segs.length < 2) return false;
  if (!(await security.exists(db)) || !isPublic(security.cached(db) ?? (await security.get(db)))) return false;
  const isRead = req.method === 'GET' || req.method === 'HEAD';
  if (segs[1] === '_security' || segs[1] === '_local') return isRead && segs[1] !== '_local';
  if (segs[1] === '_design') return isRead;
  // Readers replicate through POSTs too (_bulk_get, _all_docs, _revs_diff with nothing to write).
  return isRead || (req.method === 'POST' && ['_bulk_get', '_all_docs', '_revs_diff', '_changes'].includes(segs[1] ?? ''));
}

/**
 * The gate in front of every route: the welcome document and /_up are
 * public, /_session answers who is signed in, everything else needs valid
 * Basic credentials (401) and the right to the resource (403).
 * @param {{ config: ConfigStore, members: Record<string, string>, PouchDB: any, security: SecurityStore }} deps
 * @returns {import('./peerHttp.mjs').Handler}
 */
export function authLayer(deps) {
  return asyncRoute(async (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    if (req.method === 'GET' && req.path === '/') return sendJson(res, 200, WELCOME);
    if (req.method === 'GET' && req.path === '/_up') return sendJson(res, 200, { status: 'ok', seeds: {} });
    const isSession = req.method === 'GET' && req.path === '/_session';
    const creds = parseBasic(req.headers.authorization);
    if (!creds) {
      if (isSession) return sendJson(res, 200, { ok: true, userCtx: { name: null, roles: [] }, info: { authentication_handlers: ['default'] } });
      if (await anonymousMayPass(req, deps.security)) return next();
      return sendJson(res, 401, NOT_AUTHORIZED);
    }
    const user = await authenticate(creds, deps);
    if (!user) return sendJson(res, 401, BAD_LOGIN);
    if (isSession) {
      return sendJson(res, 200, {
        ok: true,
        userCtx: { name: user.name, roles: user.roles },
        info: { authentication_handlers: ['default'], authenticated: 'default' },
      });
    }
    const refused = await refusal(req, user, deps.security);
    if (refused) return sendJson(res, 403, refused);
    /** @type {any} */ (req).peerUser = user;
    return next();
  });
}
