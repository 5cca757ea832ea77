// The _users database as CouchDB 3 runs it: user documents named
// `org.couchdb.user:{name}`, whose `password` is replaced by a salted PBKDF2
// hash before anything is stored, and which a user may read and update
// (except for roles) for themselves.
import { createRequire } from 'node:module';
import { DEFAULT_ITERATIONS, hashPassword } from './peerPasswords.mjs';
import { asyncRoute, pathSegments, readJsonBody, sendBodyError, sendJson } from './peerHttp.mjs';

const require = createRequire(import.meta.url);
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs');

export const USERS_DB = '_users';
export const USER_PREFIX = 'org.couchdb.user:';

/**
 * @typedef {import('./peerConfig.mjs').ConfigStore} ConfigStore
 * @typedef {import('./peerSecurity.mjs').PeerUser} PeerUser
 */

/**
 * The stored user document for `name`, or null.
 * @param {any} PouchDB the server's PouchDB constructor (with allDbs).
 * @param {string} name
 * @returns {Promise<Record<string, any> | null>}
 */
export async function findUserDoc(PouchDB, name) {
  // Not checked against allDbs() on every request (a serialised lookup):
  // if an admin deleted _users, this brings it back empty, and with no user
  // documents nobody but admins signs in, which is what CouchDB does then.
  const db = await getOrCreateDB(PouchDB, USERS_DB);
  return db.get(USER_PREFIX + name).catch(() => null);
}

/** The reason CouchDB's _users validate_doc_update gives for a bad document, or null. */
function invalidUserDoc(doc) {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'the document must be a JSON object';
  if (doc._deleted) return null;
  if (doc.type !== 'user') return 'doc.type must be user';
  if (typeof doc.name !== 'string' || doc.name === '') return 'doc.name is required';
  if (!Array.isArray(doc.roles) || doc.roles.some((r) => typeof r !== 'string')) return 'doc.roles must be an array';
  if (doc._id !== USER_PREFIX + doc.name) return `Doc ID must be of the form ${USER_PREFIX}name`;
  if (doc.password !== undefined && typeof doc.password !== 'string') return 'doc.password must be a string';
  return null;
}

/** Replaces a clear `password` by CouchDB's hash fields, in place. */
async function hashInPlace(doc, iterations) {
  if (!doc || typeof doc !== 'object' || typeof doc.password !== 'string') return;
  const hash = await hashPassword(doc.password, iterations);
  delete doc.password;
  Object.assign(doc, hash);
}

const sameRoles = (a, b) => JSON.stringify([...(a ?? [])].sort()) === JSON.stringify([...(b ?? [])].sort());

/**
 * Rewrites writes into _users before express-pouchdb stores them: validates
 * user documents, hashes passwords, and keeps a non-admin user who updates
 * their own document from changing their roles. Covers PUT /_users/{id},
 * POST /_users and POST /_users/_bulk_docs (replication writes that way too).
 * @param {any} PouchDB
 * @param {ConfigStore} config
 * @returns {import('./peerHttp.mjs').Handler}
 */
export function usersWriteLayer(PouchDB, config) {
  return asyncRoute(async (req, res, next) => {
    const segs = pathSegments(req);
    if (segs[0] !== USERS_DB) return next();
    const isDocPut = req.method === 'PUT' && segs.length === 2 && !segs[1].startsWith('_design/');
    const isPost = req.method === 'POST' && segs.length === 1;
    const isBulk = req.method === 'POST' && segs.length === 2 && segs[1] === '_bulk_docs';
    if (!isDocPut && !isPost && !isBulk) return next();
    let body;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      return sendBodyError(res, err);
    }
    const iterations = Number(config.get('chttpd_auth', 'iterations')) || DEFAULT_ITERATIONS;
    if (isBulk) {
      // Per-document validation errors would need CouchDB's per-row answers;
      // bulk writes only get their passwords hashed.
      const docs = Array.isArray(body?.docs) ? body.docs : [];
      for (const doc of docs) await hashInPlace(doc, iterations);
      return next();
    }
    if (isDocPut && body && typeof body === 'object') body._id = segs[1];
    const problem = invalidUserDoc(body);
    if (problem) return sendJson(res, 403, { error: 'forbidden', reason: problem });
    /** @type {PeerUser | undefined} */
    const user = req.peerUser;
    if (user && !user.isAdmin) {
      const current = await findUserDoc(PouchDB, user.name);
      if (!current || !sameRoles(current.roles, body.roles) || body._deleted) {
        return sendJson(res, 403, { error: 'forbidden', reason: 'Only _admin may set roles' });
      }
    }
    await hashInPlace(body, iterations);
    return next();
  });
}
