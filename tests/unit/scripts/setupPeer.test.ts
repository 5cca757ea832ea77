// `npm run setup-peer` (scripts/lib/setupPeer.mjs) against the emulated
// CouchDB 3 peer started like a fresh CouchDB: server admins, CORS from the
// config. Each test names the CouchDB 3 paths it relies on.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeerServer, type PeerServer } from '../../../scripts/lib/peerServer.mjs';
import { setupPeer, SetupPeerError, type SetupPeerOptions } from '../../../scripts/lib/setupPeer.mjs';
import { ADMIN } from '../../support/peers';

const APP = 'https://notes.example';
const ALICE = { name: 'alice', password: 'rabbit hole' };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function couch(): Promise<PeerServer> {
  const server = await startPeerServer({ admins: { [ADMIN.username]: ADMIN.password }, corsFromConfig: true });
  closers.push(() => server.close());
  return server;
}

/** An HTTP server on loopback that answers every request with `handler`. */
async function otherServer(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const adminUrl = (server: PeerServer, password: string = ADMIN.password) =>
  server.origin.replace('http://', `http://${ADMIN.username}:${encodeURIComponent(password)}@`);

async function run(options: SetupPeerOptions, fetchImpl: typeof fetch = fetch) {
  const lines: string[] = [];
  const result = await setupPeer(options, { fetch: fetchImpl, log: (line) => lines.push(line) });
  return { result, output: lines.join('\n') };
}

/** The failure setupPeer rejects with. */
async function failure(options: SetupPeerOptions, fetchImpl: typeof fetch = fetch): Promise<SetupPeerError> {
  const lines: string[] = [];
  const error: unknown = await setupPeer(options, { fetch: fetchImpl, log: (line) => lines.push(line) }).then(
    () => new Error('setupPeer succeeded'),
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SetupPeerError);
  const failed = error as SetupPeerError;
  expect(`${failed.message}\n${lines.join('\n')}`).not.toContain(ADMIN.password);
  return failed;
}

const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
const ADMIN_AUTH = basic(ADMIN.username, ADMIN.password);

async function call(server: PeerServer, method: string, path: string, options: { auth?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(server.origin + path, {
    method,
    headers: { Authorization: options.auth ?? ADMIN_AUTH, 'Content-Type': 'application/json', ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as unknown, headers: res.headers };
}

const fullRun = (server: PeerServer): SetupPeerOptions => ({ url: adminUrl(server), origin: APP, db: 'notes', user: ALICE.name, password: ALICE.password });

describe('setup-peer against a CouchDB 3 (emulated)', () => {
  it('sets up /_node/_local/_config {chttpd/enable_cors, cors/*}, PUT /notes, /_users/org.couchdb.user:alice and /notes/_security; a second run changes nothing', async () => {
    const server = await couch();
    const first = await run(fullRun(server));
    expect(first.result.changes.length).toBeGreaterThanOrEqual(5);
    expect(first.result).toMatchObject({ peerUrl: `${server.origin}/notes`, userName: 'alice' });
    expect(first.output).toContain(`Peer URL:   ${server.origin}/notes`);
    expect(first.output).toContain('User name:  alice');
    const config = (await call(server, 'GET', '/_node/_local/_config')).json;
    const security = (await call(server, 'GET', '/notes/_security')).json;

    const second = await run(fullRun(server));
    expect(second.result.changes).toEqual([]);
    expect(second.output).toContain('Nothing changed');
    expect((await call(server, 'GET', '/_node/_local/_config')).json).toEqual(config);
    expect((await call(server, 'GET', '/notes/_security')).json).toEqual(security);
    for (const output of [first.output, second.output]) {
      expect(output).not.toContain(ADMIN.password);
      expect(output).not.toContain(ALICE.password);
    }
  });

  it('afterwards a browser preflight (OPTIONS /notes with Origin) gets CORS, alice reads GET /notes with Basic auth, a non-member gets 403', async () => {
    const server = await couch();
    await run(fullRun(server));
    const preflight = await fetch(`${server.origin}/notes/_changes`, {
      method: 'OPTIONS',
      headers: { Origin: APP, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
    const read = await call(server, 'GET', '/notes', { auth: basic(ALICE.name, ALICE.password), headers: { Origin: APP } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe(APP);
    await call(server, 'PUT', '/_users/org.couchdb.user:mallory', { body: { name: 'mallory', password: 'm', roles: [], type: 'user' } });
    expect((await call(server, 'GET', '/notes', { auth: basic('mallory', 'm') })).status).toBe(403);
  });

  it('keeps other origins in cors/origins and other names in /notes/_security members', async () => {
    const server = await couch();
    await call(server, 'PUT', '/_node/_local/_config/cors/origins', { body: 'http://localhost:8080' });
    await call(server, 'PUT', '/notes');
    await call(server, 'PUT', '/notes/_security', { body: { admins: { names: ['boss'], roles: [] }, members: { names: ['bob'], roles: ['staff'] } } });
    await run(fullRun(server));
    expect((await call(server, 'GET', '/_node/_local/_config/cors/origins')).json).toBe(`http://localhost:8080, ${APP}`);
    expect((await call(server, 'GET', '/notes/_security')).json).toEqual({
      admins: { names: ['boss'], roles: [] },
      members: { names: ['bob', 'alice'], roles: ['staff'] },
    });
  });

  it('updates an existing user\'s password with its _rev (PUT /_users/org.couchdb.user:alice answered 409), keeping roles', async () => {
    const server = await couch();
    await call(server, 'PUT', '/_users/org.couchdb.user:alice', { body: { name: 'alice', password: 'old', roles: ['staff'], type: 'user' } });
    const { result, output } = await run(fullRun(server));
    expect(result.changes).toContain('changed the password of the user "alice"');
    expect(output).not.toContain(ALICE.password);
    const session = await call(server, 'GET', '/_session', { auth: basic(ALICE.name, ALICE.password) });
    expect(session.json).toMatchObject({ userCtx: { name: 'alice', roles: ['staff'] } });
  });

  it('needs admin credentials, and tells a wrong password (GET /_node/_local/_config 401) from a non-admin (403)', async () => {
    const server = await couch();
    expect((await failure({ url: server.origin })).kind).toBe('usage');
    const wrong = await failure({ url: adminUrl(server, 'not-it') });
    expect(wrong).toMatchObject({ kind: 'auth', exitCode: 5 });
    expect(wrong.message).toContain('HTTP 401');
    expect(wrong.message).not.toContain('not-it');
    await call(server, 'PUT', '/_users/org.couchdb.user:bob', { body: { name: 'bob', password: 'b', roles: [], type: 'user' } });
    const notAdmin = await failure({ url: server.origin, admin: 'bob', adminPassword: 'b' });
    expect(notAdmin).toMatchObject({ kind: 'auth' });
    expect(notAdmin.message).toContain('not a server admin (HTTP 403)');
  });

  it('refuses what is not a URL, or not an origin, before any request', async () => {
    const noFetch = (() => Promise.reject(new Error('no request expected'))) as typeof fetch;
    const notUrl = await failure({ url: 'pi.local:5984' }, noFetch);
    expect(notUrl).toMatchObject({ kind: 'usage', exitCode: 2 });
    expect(notUrl.message).toContain('not a URL');
    expect((await failure({ url: 'ftp://a:b@pi.local' }, noFetch)).kind).toBe('usage');
    expect((await failure({ url: 'http://a:b@pi.local', origin: 'https://app.example/notes' }, noFetch)).message).toContain('https://app.example');
    expect((await failure({ url: 'http://a:b@pi.local', db: 'Notes' }, noFetch)).message).toContain('not a valid CouchDB database name');
  });

  it('reports an unreachable server (GET /): connection refused, DNS failure, timeout', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const refused = await failure({ url: `http://a:b@127.0.0.1:${port}` });
    expect(refused).toMatchObject({ kind: 'unreachable', exitCode: 3 });
    expect(refused.message).toContain('Connection refused');

    // DNS is not looked up for real: the tests only talk to loopback.
    const noDns = (() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ENOTFOUND' } }))) as typeof fetch;
    expect((await failure({ url: 'http://a:b@pi.local:5984' }, noDns)).message).toContain('Cannot find the host "pi.local"');

    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), silent.close(() => resolve()))));
    const url = `http://a:b@127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    expect((await failure({ url, timeoutMs: 200 })).message).toContain('(timeout)');
  });

  it('reports a server that is not CouchDB (GET / is an HTML page)', async () => {
    const url = await otherServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>router</h1>'));
    const error = await failure({ url: url.replace('http://', 'http://admin:pw@') });
    expect(error).toMatchObject({ kind: 'not-couchdb', exitCode: 4 });
    expect(error.message).toContain('HTTP 200 (text/html)');
  });

  it('warns about a CouchDB older than 3 (GET / version 2.3.1)', async () => {
    const url = await otherServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url === '/') return res.end(JSON.stringify({ couchdb: 'Welcome', version: '2.3.1' }));
      return res.writeHead(401).end(JSON.stringify({ error: 'unauthorized', reason: 'Name or password is incorrect.' }));
    });
    const lines: string[] = [];
    const error: unknown = await setupPeer({ url: url.replace('http://', 'http://admin:pw@') }, { fetch, log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(lines.join('\n')).toMatch(/Warning: CouchDB 2\.3\.1 is older than 3/);
    expect(error).toMatchObject({ kind: 'auth' });
  });
});
