// The emulated CouchDB 3 peer (scripts/lib/peerServer.mjs), over loopback
// HTTP as a real client sees it: the config API, config-driven CORS, _users
// and per-database _security. Replication is in peerServer.replicator.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import type { PeerServer, PeerServerOptions } from '../../../scripts/lib/peerServer.mjs';
import { ADMIN, MEMBER, startTestPeer } from '../../support/peers';

interface Login {
  username: string;
  password: string;
}
interface Reply {
  status: number;
  json: unknown;
  headers: Headers;
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function peer(options: PeerServerOptions = {}): Promise<PeerServer> {
  const server = await startTestPeer(options);
  closers.push(() => server.close());
  return server;
}

const basic = (login: Login) => `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;

/** One request; `auth: null` sends none. The body goes as JSON text, as curl -d would send it. */
async function call(
  server: PeerServer,
  method: string,
  path: string,
  options: { auth?: Login | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const auth = options.auth === undefined ? ADMIN : options.auth;
  const res = await fetch(server.origin + path, {
    method,
    headers: { ...(auth ? { Authorization: basic(auth) } : {}), ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as unknown, headers: res.headers };
}

const CONFIG = '/_node/_local/_config';
const NOT_MEMBER = { error: 'forbidden', reason: 'You are not allowed to access this db.' };

async function createUser(server: PeerServer, login: Login, roles: string[] = []) {
  const id = `org.couchdb.user:${login.username}`;
  const reply = await call(server, 'PUT', `/_users/${id}`, {
    body: { name: login.username, password: login.password, roles, type: 'user' },
    headers: { 'Content-Type': 'application/json' },
  });
  expect(reply.status).toBe(201);
}

describe('/_node/_local/_config/{section}/{key} (CouchDB 3 config API)', () => {
  it('PUT, GET and DELETE take and give JSON strings, answering the old value; GET of a section lists it', async () => {
    const server = await peer();
    // curl -d sends form content type; CouchDB reads the body as JSON anyway.
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect(await call(server, 'PUT', `${CONFIG}/p2p/answer`, { body: '42', headers: form })).toMatchObject({ status: 200, json: '' });
    expect(await call(server, 'PUT', `${CONFIG}/p2p/answer`, { body: '43' })).toMatchObject({ status: 200, json: '42' });
    expect(await call(server, 'GET', `${CONFIG}/p2p/answer`)).toMatchObject({ status: 200, json: '43' });
    expect((await call(server, 'GET', `${CONFIG}/p2p`)).json).toEqual({ answer: '43' });
    expect((await call(server, 'GET', CONFIG)).json).toMatchObject({ p2p: { answer: '43' } });
    expect(await call(server, 'DELETE', `${CONFIG}/p2p/answer`)).toMatchObject({ status: 200, json: '43' });
    expect(await call(server, 'GET', `${CONFIG}/p2p/answer`)).toMatchObject({ status: 404, json: { error: 'not_found' } });
    expect((await call(server, 'DELETE', `${CONFIG}/p2p/answer`)).status).toBe(404);
    expect((await call(server, 'PUT', `${CONFIG}/p2p/answer`, { body: 42 })).status).toBe(400);
    expect((await call(server, 'GET', `${CONFIG}/nothing`)).json).toEqual({});
  });

  it('is for server admins only: 401 without or with wrong credentials, 403 for a member', async () => {
    const server = await peer();
    expect((await call(server, 'GET', CONFIG, { auth: null })).status).toBe(401);
    expect((await call(server, 'GET', CONFIG, { auth: { ...ADMIN, password: 'wrong' } })).status).toBe(401);
    expect(await call(server, 'GET', CONFIG, { auth: MEMBER })).toMatchObject({ status: 403, json: { error: 'forbidden' } });
    expect((await call(server, 'PUT', `${CONFIG}/chttpd/enable_cors`, { auth: MEMBER, body: 'true' })).status).toBe(403);
  });

  it('keeps [admins] hashed, and admins added or removed there sign in or not', async () => {
    const server = await peer();
    const admins = (await call(server, 'GET', `${CONFIG}/admins`)).json as Record<string, string>;
    expect(admins[ADMIN.username]).toMatch(/^-pbkdf2:sha256-[0-9a-f]+,[0-9a-f]+,\d+$/);
    expect(JSON.stringify(admins)).not.toContain(ADMIN.password);
    const bob = { username: 'bob', password: 'builder' };
    expect((await call(server, 'GET', CONFIG, { auth: bob })).status).toBe(401);
    await call(server, 'PUT', `${CONFIG}/admins/bob`, { body: bob.password });
    expect((await call(server, 'GET', `${CONFIG}/admins/bob`)).json).not.toContain(bob.password);
    expect((await call(server, 'GET', CONFIG, { auth: bob })).status).toBe(200);
    await call(server, 'DELETE', `${CONFIG}/admins/bob`);
    expect((await call(server, 'GET', CONFIG, { auth: bob })).status).toBe(401);
  });

  it('couchdb/max_document_size limits documents in _bulk_docs once set', async () => {
    const server = await peer();
    const big = { _id: 'big', text: 'x'.repeat(5000) };
    const json = { 'Content-Type': 'application/json' };
    await call(server, 'PUT', `${CONFIG}/couchdb/max_document_size`, { body: '1000' });
    const reply = await call(server, 'POST', '/notes/_bulk_docs', { body: { docs: [big, { _id: 'small' }] }, headers: json });
    expect(reply.json).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'big', error: 'too_large' })]));
    expect((await call(server, 'GET', '/notes/small')).status).toBe(200);
  });
});

describe('CORS from the config (corsFromConfig: chttpd/enable_cors and [cors] origins, credentials)', () => {
  const APP = 'https://notes.example';
  const preflight = (server: PeerServer, origin: string) =>
    call(server, 'OPTIONS', '/notes', {
      auth: null,
      headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });

  it('answers no CORS until enable_cors is "true", then only for listed origins', async () => {
    const server = await peer({ corsFromConfig: true });
    expect((await preflight(server, APP)).headers.get('access-control-allow-origin')).toBeNull();
    await call(server, 'PUT', `${CONFIG}/chttpd/enable_cors`, { body: 'true' });
    await call(server, 'PUT', `${CONFIG}/cors/origins`, { body: `http://other.example, ${APP}` });
    await call(server, 'PUT', `${CONFIG}/cors/credentials`, { body: 'true' });
    const allowed = await preflight(server, APP);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(allowed.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    expect((await preflight(server, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    const get = await call(server, 'GET', '/notes', { auth: MEMBER, headers: { Origin: APP } });
    expect(get.headers.get('access-control-allow-origin')).toBe(APP);
    await call(server, 'PUT', `${CONFIG}/chttpd/enable_cors`, { body: 'false' });
    expect((await preflight(server, APP)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers "*" for origins = * without credentials, the origin itself with them', async () => {
    const server = await peer({ corsFromConfig: true });
    await call(server, 'PUT', `${CONFIG}/chttpd/enable_cors`, { body: 'true' });
    await call(server, 'PUT', `${CONFIG}/cors/origins`, { body: '*' });
    expect((await preflight(server, APP)).headers.get('access-control-allow-origin')).toBe('*');
    await call(server, 'PUT', `${CONFIG}/cors/credentials`, { body: 'true' });
    expect((await preflight(server, APP)).headers.get('access-control-allow-origin')).toBe(APP);
  });

  it('keeps the fixed `cors` option as before: any origin is echoed', async () => {
    const server = await peer();
    expect((await preflight(server, 'https://anywhere.example')).headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
  });
});

describe('/_users/org.couchdb.user:{name} (CouchDB 3 users database)', () => {
  const bob = { username: 'bob', password: 'builder' };

  it('an admin creates a user, stored with a salted PBKDF2 hash, who then signs in with Basic auth', async () => {
    const server = await peer();
    await createUser(server, bob, ['editors']);
    const stored = (await call(server, 'GET', '/_users/org.couchdb.user:bob')).json as Record<string, unknown>;
    expect(stored).toMatchObject({ name: 'bob', type: 'user', password_scheme: 'pbkdf2' });
    expect(stored.derived_key).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(stored.password).toBeUndefined();
    expect(JSON.stringify(stored)).not.toContain(bob.password);
    expect((await call(server, 'GET', '/_session', { auth: bob })).json).toMatchObject({ userCtx: { name: 'bob', roles: ['editors'] } });
    expect((await call(server, 'GET', '/_session', { auth: { ...bob, password: 'wrong' } })).status).toBe(401);
    // The `members` option still signs its users in.
    expect((await call(server, 'GET', '/_session', { auth: MEMBER })).json).toMatchObject({ userCtx: { name: MEMBER.username } });
  });

  it('refuses user documents from non-admins and malformed ones', async () => {
    const server = await peer();
    const doc = { name: 'eve', password: 'x', roles: [], type: 'user' };
    expect((await call(server, 'PUT', '/_users/org.couchdb.user:eve', { auth: MEMBER, body: doc })).status).toBe(403);
    expect((await call(server, 'PUT', '/_users/org.couchdb.user:eve', { auth: null, body: doc })).status).toBe(401);
    const misnamed = await call(server, 'PUT', '/_users/org.couchdb.user:mallory', { body: doc });
    expect(misnamed).toMatchObject({ status: 403, json: { error: 'forbidden' } });
  });

  it('lets a user change their own password, but not their roles', async () => {
    const server = await peer();
    await createUser(server, bob);
    const own = await call(server, 'GET', '/_users/org.couchdb.user:bob', { auth: bob });
    expect(own.status).toBe(200);
    const promote = await call(server, 'PUT', '/_users/org.couchdb.user:bob', { auth: bob, body: { ...(own.json as object), roles: ['boss'] } });
    expect(promote.status).toBe(403);
    const newBob = { ...bob, password: 'new' };
    const changed = await call(server, 'PUT', '/_users/org.couchdb.user:bob', { auth: bob, body: { ...(own.json as object), password: newBob.password } });
    expect(changed.status).toBe(201);
    expect((await call(server, 'GET', '/_session', { auth: bob })).status).toBe(401);
    expect((await call(server, 'GET', '/_session', { auth: newBob })).json).toMatchObject({ userCtx: { name: 'bob' } });
    expect((await call(server, 'GET', '/_users/org.couchdb.user:alice', { auth: newBob })).status).toBe(403);
  });
});

describe('/{db}/_security and who may use a database (CouchDB 3 authorisation)', () => {
  const bob = { username: 'bob', password: 'builder' };
  const carol = { username: 'carol', password: 'singer' };

  it('with no members, only admins and the `members` option users get in; a _users user gets 403', async () => {
    const server = await peer();
    await createUser(server, bob);
    expect(await call(server, 'GET', '/notes/_security')).toMatchObject({ status: 200, json: {} });
    expect((await call(server, 'GET', '/notes', { auth: MEMBER })).status).toBe(200);
    expect(await call(server, 'GET', '/notes', { auth: bob })).toEqual(expect.objectContaining({ status: 403, json: NOT_MEMBER }));
    // A database that is not there is 404 for anyone signed in, as in CouchDB.
    expect((await call(server, 'GET', '/nowhere', { auth: bob })).status).toBe(404);
  });

  it('once members are listed, exactly they (by name or role) get in; PUT needs an admin', async () => {
    const server = await peer();
    await createUser(server, bob);
    await createUser(server, carol, ['singers']);
    const security = { admins: { names: [], roles: [] }, members: { names: ['bob'], roles: ['singers'] } };
    expect((await call(server, 'PUT', '/notes/_security', { auth: bob, body: security })).status).toBe(403);
    expect(await call(server, 'PUT', '/notes/_security', { body: security })).toMatchObject({ status: 200, json: { ok: true } });
    expect((await call(server, 'GET', '/notes/_security', { auth: bob })).json).toEqual(security);
    expect((await call(server, 'PUT', '/notes/doc', { auth: bob, body: { by: 'bob' } })).status).toBe(201);
    expect((await call(server, 'GET', '/notes/doc', { auth: carol })).status).toBe(200);
    expect(await call(server, 'GET', '/notes/doc', { auth: MEMBER })).toEqual(expect.objectContaining({ status: 403, json: NOT_MEMBER }));
    expect((await call(server, 'GET', '/notes/_local/_security', { auth: bob })).status).toBe(403);
  });

  it('lets a database admin change _security, refuses malformed objects, and forgets it with the database', async () => {
    const server = await peer();
    await createUser(server, bob);
    await call(server, 'PUT', '/notes/_security', { body: { admins: { names: ['bob'] }, members: { names: ['nobody'] } } });
    expect((await call(server, 'PUT', '/notes/_security', { auth: bob, body: { admins: { names: ['bob'] } } })).status).toBe(200);
    expect((await call(server, 'PUT', '/notes/_security', { body: { members: { names: 'bob' } } })).status).toBe(400);
    await call(server, 'DELETE', '/notes');
    await call(server, 'PUT', '/notes');
    expect((await call(server, 'GET', '/notes/_security')).json).toEqual({});
    expect((await call(server, 'GET', '/notes', { auth: bob })).status).toBe(403);
  });
});
