// The emulated peer's _replicator database and /_scheduler/docs (CouchDB 3's
// replication scheduler), with real servers linked over loopback.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeerServer } from '../../../scripts/lib/peerServer.mjs';
import { ADMIN, MEMBER, startTestPeer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const close of closers.splice(0)) await close();
});

async function peer(databases: string[] = ['notes']): Promise<PeerServer> {
  const server = await startTestPeer({ databases });
  closers.push(() => server.close());
  return server;
}

const AUTH = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`;

/** What /_scheduler/docs says of one document. */
interface SchedulerDoc {
  database: string;
  doc_id: string;
  id: string;
  source: string;
  target: string;
  state: string;
  info: Record<string, unknown> | null;
  error_count: number;
  start_time: string;
  last_updated: string;
}

async function call(server: PeerServer, method: string, path: string, body?: unknown, auth: string = AUTH): Promise<{ status: number; json: unknown }> {
  const res = await fetch(server.origin + path, {
    method,
    headers: { Authorization: auth, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

/** The JSON of a GET, of the shape the test expects. */
const get = async <T>(server: PeerServer, path: string) => (await call(server, 'GET', path)).json as T;

/** A database URL with the admin's credentials in it, as people write them in _replicator documents. */
const withCredentials = (server: PeerServer, db: string) =>
  server.dbUrl(db).replace('http://', `http://${ADMIN.username}:${encodeURIComponent(ADMIN.password)}@`);

/** The _replicator document of a live replication: source by URL credentials, target by header, both ways CouchDB 3 accepts. */
const link = (from: PeerServer, fromDb: string, to: PeerServer, toDb: string) => ({
  source: withCredentials(from, fromDb),
  target: { url: to.dbUrl(toDb), headers: { Authorization: AUTH } },
  continuous: true,
});

const arrived = (server: PeerServer, db: string, id: string) => async () => (await call(server, 'GET', `/${db}/${id}`)).status === 200;

async function schedulerDoc(server: PeerServer, docId: string): Promise<SchedulerDoc | null> {
  const reply = await call(server, 'GET', `/_scheduler/docs/_replicator/${docId}`);
  return reply.status === 200 ? (reply.json as SchedulerDoc) : null;
}

async function deleteDoc(server: PeerServer, db: string, id: string) {
  const { _rev } = await get<{ _rev: string }>(server, `/${db}/${id}`);
  expect((await call(server, 'DELETE', `/${db}/${id}?rev=${_rev}`)).status).toBe(200);
}

describe('/_replicator and /_scheduler/docs (CouchDB 3 replicator)', () => {
  it('a _replicator document starts a live replication that /_scheduler/docs shows running, with credentials redacted', async () => {
    const logged: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    }
    const a = await peer();
    const b = await peer();
    expect((await call(a, 'PUT', '/_replicator/a-to-b', link(a, 'notes', b, 'notes'))).status).toBe(201);
    await call(a, 'PUT', '/notes/first', { text: 'hello' });
    await waitFor('the document to arrive on B', arrived(b, 'notes', 'first'));

    const entry = await waitFor('the job to be running', async () => {
      const doc = await schedulerDoc(a, 'a-to-b');
      return doc?.state === 'running' ? doc : null;
    });
    expect(entry).toMatchObject({
      database: '_replicator',
      doc_id: 'a-to-b',
      source: `http://${ADMIN.username}:*****@127.0.0.1:${a.port}/notes/`,
      target: `${b.dbUrl('notes')}/`,
      error_count: 0,
    });
    expect(entry.id).toMatch(/^[0-9a-f]+\+continuous$/);
    expect(entry.start_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(entry.last_updated >= entry.start_time).toBe(true);
    const list = await get<unknown>(a, '/_scheduler/docs');
    expect(list).toMatchObject({ total_rows: 1, offset: 0, docs: [entry] });
    const everything = JSON.stringify(list) + JSON.stringify(await get<unknown>(a, '/_scheduler/jobs')) + logged.join('\n');
    expect(everything).not.toContain(ADMIN.password);
    expect(everything).not.toContain(AUTH);
    // As in CouchDB 3, the state stays out of the document.
    expect(await get<object>(a, '/_replicator/a-to-b')).not.toHaveProperty('_replication_state');
  });

  it('deleting the _replicator document stops the replication: a later write on A never reaches B', async () => {
    const a = await peer();
    const b = await peer(['notes', 'control']);
    await call(a, 'PUT', '/_replicator/a-to-b', link(a, 'notes', b, 'notes'));
    // A second replication from the same source keeps running: when it has
    // carried a later write, a replication that still ran would have had it too.
    await call(a, 'PUT', '/_replicator/control', link(a, 'notes', b, 'control'));
    await call(a, 'PUT', '/notes/before', {});
    await waitFor('the first write on B', arrived(b, 'notes', 'before'));
    await waitFor('the first write on control', arrived(b, 'control', 'before'));

    await deleteDoc(a, '_replicator', 'a-to-b');
    await waitFor('the job to leave the scheduler', async () => (await schedulerDoc(a, 'a-to-b')) === null);
    const seqBefore = (await get<{ update_seq: unknown }>(b, '/notes')).update_seq;
    await call(a, 'PUT', '/notes/after', {});
    const changes = (await get<{ results: Array<{ id: string }> }>(a, '/notes/_changes')).results.map((r) => r.id);
    expect(changes).toContain('after');
    await waitFor('the later write on control', arrived(b, 'control', 'after'));

    expect((await call(b, 'GET', '/notes/after')).status).toBe(404);
    expect((await get<{ update_seq: unknown }>(b, '/notes')).update_seq).toEqual(seqBefore);
    expect((await get<{ docs: SchedulerDoc[] }>(a, '/_scheduler/docs')).docs.map((d) => d.doc_id)).toEqual(['control']);
  });

  it('closing the server stops its replications', async () => {
    const runner = await peer([]);
    const source = await peer();
    const target = await peer(['notes', 'control']);
    await call(runner, 'PUT', '/_replicator/link', link(source, 'notes', target, 'notes'));
    // The control replication runs on the source server, which stays up.
    await call(source, 'PUT', '/_replicator/control', link(source, 'notes', target, 'control'));
    await call(source, 'PUT', '/notes/before', {});
    await waitFor('the first write on the target', arrived(target, 'notes', 'before'));

    await runner.close();
    await call(source, 'PUT', '/notes/after', {});
    await waitFor('the later write on control', arrived(target, 'control', 'after'));
    expect((await call(target, 'GET', '/notes/after')).status).toBe(404);
  });

  it('reports a replication that cannot work: "failed" for a local name, "crashing" with errors for an unreachable peer', async () => {
    const a = await peer();
    await call(a, 'PUT', '/_replicator/local', { source: 'notes', target: 'elsewhere', continuous: true });
    const failed = await waitFor('the local one to fail', () => schedulerDoc(a, 'local'));
    expect(failed.state).toBe('failed');
    expect(String(failed.info?.error)).toContain('not a URL');

    const gone = await peer();
    const goneUrl = withCredentials(gone, 'notes');
    await gone.close();
    await call(a, 'PUT', '/_replicator/away', { source: withCredentials(a, 'notes'), target: goneUrl, continuous: true });
    const crashing = await waitFor('the unreachable one to crash', async () => {
      const doc = await schedulerDoc(a, 'away');
      return doc?.state === 'crashing' ? doc : null;
    });
    expect(crashing.error_count).toBeGreaterThan(0);
    expect(JSON.stringify(crashing)).not.toContain(ADMIN.password);

    // A refused login is retried too, as CouchDB does, rather than given up.
    const refused = { source: a.dbUrl('notes').replace('http://', 'http://admin:not-the-password@'), target: withCredentials(a, 'notes'), continuous: true };
    await call(a, 'PUT', '/_replicator/refused', refused);
    const unauthorized = await waitFor('the refused one to crash', async () => {
      const doc = await schedulerDoc(a, 'refused');
      return doc?.state === 'crashing' ? doc : null;
    });
    expect(unauthorized.source).toBe(`http://admin:*****@127.0.0.1:${a.port}/notes/`);
    expect(JSON.stringify(unauthorized)).not.toContain('not-the-password');
  });

  it('is for server admins only', async () => {
    const a = await peer();
    const member = `Basic ${Buffer.from(`${MEMBER.username}:${MEMBER.password}`).toString('base64')}`;
    expect((await call(a, 'GET', '/_scheduler/docs', undefined, member)).status).toBe(403);
    expect((await call(a, 'PUT', '/_replicator/x', { source: 'a', target: 'b' }, member)).status).toBe(403);
  });
});
