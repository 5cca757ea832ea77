// Per-database _security objects, as CouchDB 3 keeps them: who is a member
// (may read and write documents) and who is a database admin (may also change
// _security). Stored in the database itself as the local document
// `_local/_security`, so it lives on disk with a dataDir peer and goes away
// when the database is deleted, as CouchDB's does.
import { createRequire } from 'node:module';
import { asyncRoute, pathSegments, readJsonBody, sendBodyError, sendJson } from './peerHttp.mjs';

const require = createRequire(import.meta.url);
// express-pouchdb caches one PouchDB object per database; sharing that cache
// keeps a single LevelDB handle per database and one change feed.
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs');

const LOCAL_ID = '_local/_security';

/**
 * @typedef {{ names?: string[], roles?: string[] }} SecurityGroup
 * @typedef {{ admins?: SecurityGroup, members?: SecurityGroup, [key: string]: unknown }} SecurityObject
 * @typedef {object} PeerUser
 * @property {string} name
 * @property {string[]} roles
 * @property {boolean} isAdmin a server admin.
 * @property {boolean} fromMembersOption given by the server's `members` option.
 */

/**
 * @typedef {object} SecurityStore
 * @property {(db: string) => Promise<boolean>} exists
 * @property {(db: string) => Promise<SecurityObject>} get `{}` when never set; the database must exist.
 * @property {(db: string) => SecurityObject | undefined} cached what `get` last read, without any I/O.
 * @property {(db: string, security: SecurityObject) => Promise<void>} put
 * @property {(db: string) => void} forget drops the cached object (database created or deleted).
 */

/**
 * @param {any} PouchDB the server's PouchDB constructor (with allDbs).
 * @returns {SecurityStore}
 */
export function createSecurityStore(PouchDB) {
  /** @type {Map<string, SecurityObject>} */
  const cache = new Map();
  const exists = async (db) => (await PouchDB.allDbs()).includes(db);
  return {
    exists,
    async get(db) {
      const cached = cache.get(db);
      if (cached) return cached;
      const handle = await getOrCreateDB(PouchDB, db);
      const doc = await handle.get(LOCAL_ID).catch(() => null);
      const security = doc?.security ?? {};
      cache.set(db, security);
      return security;
    },
    async put(db, security) {
      const handle = await getOrCreateDB(PouchDB, db);
      const old = await handle.get(LOCAL_ID).catch(() => null);
      await handle.put({ _id: LOCAL_ID, ...(old ? { _rev: old._rev } : {}), security });
      cache.set(db, security);
    },
    cached: (db) => cache.get(db),
    forget: (db) => void cache.delete(db),
  };
}

const strings = (value) => (Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);

/**
 * A database admin: listed by name or role in `admins` (server admins are
 * always one, and are checked before this).
 * @param {SecurityObject} security
 * @param {PeerUser} user
 */
export function isDbAdmin(security, user) {
  const names = strings(security.admins?.names);
  const roles = strings(security.admins?.roles);
  return names.includes(user.name) || user.roles.some((r) => roles.includes(r));
}

/**
 * A member, as CouchDB 3 decides it, with one compatibility rule: while a
 * database's members list is empty (ignoring the `_admin` role, which only
 * server admins hold), the users of the server's `members` option count as
 * members, so peers started without any _security behave as they always have.
 * Once _security names members, only they (and admins) get in.
 * @param {SecurityObject} security
 * @param {PeerUser} user
 */
export function isDbMember(security, user) {
  const names = strings(security.members?.names);
  const roles = strings(security.members?.roles).filter((r) => r !== '_admin');
  if (names.length === 0 && roles.length === 0) return user.fromMembersOption;
  return names.includes(user.name) || user.roles.some((r) => roles.includes(r));
}

/**
 * A public database, which anyone may read without signing in: its _security
 * has a members group naming nobody, as CouchDB 3 treats an empty one. (A
 * database whose _security was never set stays as isDbMember says: in
 * CouchDB 3 a new database is admin-only.)
 * @param {SecurityObject} security
 */
export function isPublic(security) {
  const members = security.members;
  if (!members || typeof members !== 'object') return false;
  return strings(members.names).length === 0 && strings(members.roles).length === 0;
}

/** Why a _security body is refused, or null when it is acceptable. */
function invalidSecurity(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the security object must be a JSON object';
  for (const group of ['admins', 'members']) {
    const value = body[group];
    if (value === undefined) continue;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return `${group} must be a JSON object`;
    for (const field of ['names', 'roles']) {
      const items = value[field];
      if (items !== undefined && (!Array.isArray(items) || items.some((i) => typeof i !== 'string'))) {
        return `${group}.${field} must be a JSON list of strings`;
      }
    }
  }
  return null;
}

/**
 * Serves GET/PUT /{db}/_security (who may do which the authorisation layer
 * has checked already) and forgets cached objects when a database is created
 * or deleted, so a re-created database starts with none, as in CouchDB.
 * @param {SecurityStore} store
 * @returns {import('./peerHttp.mjs').Handler}
 */
export function securityRoutes(store) {
  return asyncRoute(async (req, res, next) => {
    const segs = pathSegments(req);
    const [db] = segs;
    if (db === undefined || db.startsWith('_')) return next();
    if (segs.length === 1 && (req.method === 'PUT' || req.method === 'DELETE')) {
      store.forget(db);
      return next();
    }
    if (segs.length !== 2 || segs[1] !== '_security') return next();
    if (!(await store.exists(db))) return sendJson(res, 404, { error: 'not_found', reason: 'Database does not exist.' });
    if (req.method === 'GET') return sendJson(res, 200, await store.get(db));
    if (req.method !== 'PUT') return sendJson(res, 405, { error: 'method_not_allowed', reason: 'Only GET,PUT allowed' });
    let body;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      return sendBodyError(res, err);
    }
    const problem = invalidSecurity(body);
    if (problem) return sendJson(res, 400, { error: 'bad_request', reason: problem });
    await store.put(db, /** @type {SecurityObject} */ (body));
    return sendJson(res, 200, { ok: true });
  });
}
