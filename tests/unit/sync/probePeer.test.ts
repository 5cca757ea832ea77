import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePeerUrl } from '../../../src/domain/peerUrl';
import { probePeer, createRemoteDatabase } from '../../../src/sync/peers/probePeer';
import { ADMIN, MEMBER, startTestPeer } from '../../support/peers';

const env = { fetch, canDetectCors: false, timeoutMs: 5000 };
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function parsed(url: string) {
  const result = parsePeerUrl(url);
  if (!result.ok) throw new Error(`bad test URL ${url}`);
  return result.value;
}

async function peer() {
  const server = await startTestPeer();
  closers.push(() => server.close());
  return server;
}

describe('probePeer against real servers', () => {
  it('accepts a CouchDB-protocol peer with member credentials', async () => {
    const server = await peer();
    expect(await probePeer(parsed(server.dbUrl('notes')), MEMBER, env)).toEqual({
      ok: true,
      server: 'PouchDB Server',
    });
  });

  it('tells missing from wrong credentials', async () => {
    const server = await peer();
    const url = parsed(server.dbUrl('notes'));
    expect(await probePeer(url, undefined, env)).toEqual({ ok: false, problem: { kind: 'unauthorized', hadCredentials: false } });
    expect(await probePeer(url, { username: 'alice', password: 'nope' }, env)).toEqual({
      ok: false,
      problem: { kind: 'unauthorized', hadCredentials: true },
    });
  });

  it('reports a missing database, which only an admin can create', async () => {
    const server = await peer();
    const url = parsed(server.dbUrl('brand-new'));
    expect(await probePeer(url, MEMBER, env)).toEqual({ ok: false, problem: { kind: 'no-database' } });
    expect(await createRemoteDatabase(url, MEMBER, env)).toEqual({ ok: false, status: 403 });
    expect(await createRemoteDatabase(url, ADMIN, env)).toEqual({ ok: true });
    expect((await probePeer(url, MEMBER, env)).ok).toBe(true);
  });

  it('reports a server that is not CouchDB', async () => {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>router</h1>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    expect(await probePeer(parsed(`http://127.0.0.1:${port}/notes`), MEMBER, env)).toEqual({
      ok: false,
      problem: { kind: 'not-couchdb', status: 200 },
    });
  });

  it('reports an address where nothing answers', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    expect(await probePeer(parsed(`http://127.0.0.1:${port}/notes`), MEMBER, env)).toEqual({
      ok: false,
      problem: { kind: 'unreachable' },
    });
  });
});
