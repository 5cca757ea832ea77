// Password hashing as CouchDB 3 does it: PBKDF2 with a random salt, kept as
// `password_scheme/pbkdf2_prf/iterations/derived_key/salt` in _users documents
// and as `-pbkdf2:<prf>-<key>,<salt>,<iterations>` in the [admins] section.
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);
const KEY_BYTES = 32;

/**
 * Fewer rounds than CouchDB 3.4's default: every test starts servers and
 * signs in many times on shared CPUs. The hash is still salted and slow
 * enough that the stored form is useless without brute force.
 */
export const DEFAULT_ITERATIONS = 10000;

/**
 * @typedef {object} PasswordHash
 * @property {'pbkdf2'} password_scheme
 * @property {string} pbkdf2_prf 'sha256' (CouchDB 3.3+) or 'sha1' (older).
 * @property {number} iterations
 * @property {string} derived_key hex
 * @property {string} salt hex
 */

/**
 * Hashes a password with a fresh salt.
 * @param {string} password
 * @param {number} [iterations]
 * @returns {Promise<PasswordHash>}
 */
export async function hashPassword(password, iterations = DEFAULT_ITERATIONS) {
  const salt = randomBytes(16).toString('hex');
  const key = await pbkdf2Async(password, salt, iterations, KEY_BYTES, 'sha256');
  return { password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations, derived_key: key.toString('hex'), salt };
}

// Signing in is repeated on every request (Basic auth), so a verified
// password is remembered, as CouchDB's auth cache does. The key holds only a
// digest of the password, bound to the stored hash so a changed password
// (new salt and key) is verified afresh.
const verified = new Set();
const MAX_CACHED = 1000;

/**
 * Whether `password` matches a stored hash; false for unknown schemes.
 * @param {string} password
 * @param {Partial<PasswordHash>} stored
 * @returns {Promise<boolean>}
 */
export async function verifyPassword(password, stored) {
  if (stored.password_scheme !== 'pbkdf2' || !stored.derived_key || !stored.salt) return false;
  const prf = stored.pbkdf2_prf ?? 'sha1';
  if (prf !== 'sha1' && prf !== 'sha256' && prf !== 'sha512') return false;
  const cacheKey = `${stored.derived_key}:${stored.salt}:${createHash('sha256').update(password).digest('hex')}`;
  if (verified.has(cacheKey)) return true;
  const expected = Buffer.from(stored.derived_key, 'hex');
  const actual = await pbkdf2Async(password, stored.salt, Number(stored.iterations) || 10, expected.length || KEY_BYTES, prf);
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  if (ok) {
    if (verified.size >= MAX_CACHED) verified.clear();
    verified.add(cacheKey);
  }
  return ok;
}

/**
 * The [admins] config form of a hash.
 * @param {PasswordHash} hash
 * @returns {string}
 */
export function formatAdminHash(hash) {
  return `-pbkdf2:${hash.pbkdf2_prf}-${hash.derived_key},${hash.salt},${hash.iterations}`;
}

/**
 * Reads an [admins] config value back into a hash; null if it is not one
 * (CouchDB hashes a plaintext value as soon as it is set, so that means a
 * malformed value, which signs nobody in).
 * @param {string} value
 * @returns {PasswordHash | null}
 */
export function parseAdminHash(value) {
  const match = /^-pbkdf2(?::(sha1|sha256|sha512))?-([0-9a-f]+),([0-9a-f]+),(\d+)$/.exec(value);
  if (!match) return null;
  return {
    password_scheme: 'pbkdf2',
    pbkdf2_prf: match[1] ?? 'sha1',
    derived_key: match[2],
    salt: match[3],
    iterations: Number(match[4]),
  };
}
