// The engine's patches to a remote handle (src/sync/catchUp/hardenRemote.ts), against
// a real CouchDB-protocol peer: info() never asks the peer (so never rejects),
// the server's id is fetched once, not before every replication, and the
// checkpoints it writes are read back from memory.
import { afterEach, expect, it } from 'vitest';
import { nodePouchDB } from '../../../scripts/lib/peerServer.mjs';
import { forgetCheckpoints } from '../../../src/sync/catchUp/checkpointMemory';
import { hardenRemote } from '../../../src/sync/catchUp/hardenRemote';
import { MeshKeyring } from '../../../src/domain/envelope';
import { encryptPeer } from '../../../src/sync/remote/encryptedPeer';
import { UnreadableDocs } from '../../../src/sync/remote/unreadableDocs';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';

const PouchDB = nodePouchDB();
/** `id()` is in PouchDB, not in its types. */
const withId = (db: PouchDB.Database) => db as PouchDB.Database & { id(): Promise<string> };
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function peer(): Promise<PeerServer> {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  return server;
}

/** A remote handle whose requests are recorded by path. */
function countingRemote(url: string): { remote: ReturnType<typeof withId>; rootRequests: () => number; paths: string[] } {
  const paths: string[] = [];
  const counting: typeof fetch = (input, init) => {
    paths.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
    return fetch(input, init);
  };
  const remote = new PouchDB(url, { skip_setup: true, auth: { ...MEMBER }, fetch: counting });
  return { remote: withId(hardenRemote(remote)), rootRequests: () => paths.filter((p) => p === '/').length, paths };
}

it("asks the server for its id once, however many replications ask, and gives PouchDB's answer", async () => {
  const server = await peer();
  const { remote, rootRequests } = countingRemote(server.dbUrl('notes'));
  const plain = await withId(new PouchDB(server.dbUrl('notes'), { skip_setup: true, auth: { ...MEMBER } })).id();
  const answers = [await remote.id(), ...(await Promise.all([remote.id(), remote.id(), remote.id()]))];
  expect(new Set(answers)).toEqual(new Set([plain]));
  expect(rootRequests()).toBe(1);
});

it('a replication through a handle patched as soon as it is opened completes (no call waits on itself)', async () => {
  const server = await peer();
  const remote = hardenRemote(new PouchDB(server.dbUrl('notes'), { skip_setup: true, auth: { ...MEMBER } }));
  // Asked before the handle is ready, as the engine's first catch-up does.
  const early = withId(remote).id();
  const local = new PouchDB(`harden-${Date.now()}`, { adapter: 'memory' });
  cleanup.push(() => local.destroy());
  await local.put({ _id: 'note:1', title: 'one' });
  const result = await local.replicate.to(remote);
  expect(result.docs_written).toBe(1);
  expect(await early).toBe(await withId(remote).id());
});

it('info() on a peer that is down answers a placeholder instead of rejecting', async () => {
  const server = await peer();
  const url = server.dbUrl('notes');
  await server.close();
  const remote = hardenRemote(new PouchDB(url, { skip_setup: true, auth: { ...MEMBER } }));
  expect(await remote.info()).toMatchObject({ doc_count: 0, update_seq: 0 });
});

it("a pull through the handle never asks for the peer's info (one request per batch less on the peer)", async () => {
  const server = await peer();
  const seed = new PouchDB(server.dbUrl('notes'), { skip_setup: true, auth: { ...MEMBER } });
  await seed.bulkDocs(Array.from({ length: 30 }, (_, i) => ({ _id: `note:${i}` })));
  const { remote, paths } = countingRemote(server.dbUrl('notes'));
  const local = new PouchDB(`harden-info-${Date.now()}`, { adapter: 'memory' });
  cleanup.push(() => local.destroy());
  // Batches of ten: PouchDB's replicator would ask for info() after each.
  const result = await local.replicate.from(remote, { batch_size: 10 });
  expect(result.docs_written).toBe(30);
  expect(paths.filter((p) => p === '/notes/' || p === '/notes')).toEqual([]);
  expect(paths.some((p) => p.endsWith('/_bulk_get'))).toBe(true);
});

it('reads back a checkpoint it wrote without asking the peer; when the peer has another, the write fails and the peer is read again', async () => {
  const server = await peer();
  const { remote, paths } = countingRemote(server.dbUrl('notes'));
  const id = '_local/checkpoint-test';
  const asked = () => paths.filter((p) => p.endsWith('/_local/checkpoint-test')).length;
  const first = await remote.put({ _id: id, last_seq: 1 });
  const requestsAfterPut = asked();
  const read = await remote.get<{ last_seq: number }>(id);
  expect(read).toMatchObject({ _id: id, _rev: first.rev, last_seq: 1 });
  expect(asked()).toBe(requestsAfterPut);
  // A copy: what a caller changes before writing back is not what is remembered.
  read.last_seq = 99;
  expect((await remote.get<{ last_seq: number }>(id)).last_seq).toBe(1);
  // Written meanwhile by another handle (as if the database had been replaced).
  const other = new PouchDB(server.dbUrl('notes'), { skip_setup: true, auth: { ...MEMBER } });
  await other.put({ _id: id, _rev: first.rev, last_seq: 7 });
  await expect(remote.put({ ...(await remote.get(id)), last_seq: 2 })).rejects.toMatchObject({ status: 409 });
  expect(await remote.get<{ last_seq: number }>(id)).toMatchObject({ last_seq: 7 });
  expect(asked()).toBeGreaterThan(requestsAfterPut);
});

it('reads a checkpoint from the peer once until forgotten (at the start of each sync cycle), a missing one too', async () => {
  const server = await peer();
  const id = '_local/checkpoint-read';
  const other = new PouchDB(server.dbUrl('notes'), { skip_setup: true, auth: { ...MEMBER } });
  const stored = await other.put({ _id: id, last_seq: 5 });
  const { remote, paths } = countingRemote(server.dbUrl('notes'));
  const asked = () => paths.filter((p) => p.endsWith('/_local/checkpoint-read')).length;
  expect(await remote.get(id)).toMatchObject({ _rev: stored.rev, last_seq: 5 });
  expect(await remote.get(id)).toMatchObject({ _rev: stored.rev, last_seq: 5 });
  expect(asked()).toBe(1);
  // Changed on the peer meanwhile (a database recreated while the peer was away): read afresh after forgetting.
  await other.put({ _id: id, _rev: stored.rev, last_seq: 0 });
  forgetCheckpoints(remote);
  expect(await remote.get(id)).toMatchObject({ last_seq: 0 });
  expect(asked()).toBe(2);
  // None there yet (a first sync): asked once, then written without asking again.
  const fresh = '_local/checkpoint-fresh';
  const askedFresh = () => paths.filter((p) => p.endsWith('/_local/checkpoint-fresh')).length;
  for (let i = 0; i < 2; i += 1) await expect(remote.get(fresh)).rejects.toMatchObject({ status: 404 });
  expect(askedFresh()).toBe(1);
  await remote.put({ _id: fresh, last_seq: 3 });
  expect(await remote.get(fresh)).toMatchObject({ last_seq: 3 });
  expect(askedFresh()).toBe(2);
  expect(await other.get(fresh)).toMatchObject({ last_seq: 3 });
});

it('an encrypted peer\'s handle keeps the checkpoint memory: a checkpoint it wrote is read back without asking the peer, and stays plain', async () => {
  const server = await peer();
  const { remote, paths } = countingRemote(server.dbUrl('notes'));
  const sealing = encryptPeer(remote, new MeshKeyring('a mesh passphrase', 100_000), new UnreadableDocs(() => undefined, {}));
  const id = '_local/checkpoint-sealed-peer';
  const asked = () => paths.filter((p) => p.endsWith(`/${id}`)).length;
  const written = await sealing.put({ _id: id, last_seq: 4 });
  const afterPut = asked();
  expect(await sealing.get(id)).toMatchObject({ _rev: written.rev, last_seq: 4 });
  expect(await sealing.get(id)).toMatchObject({ last_seq: 4 });
  expect(asked()).toBe(afterPut);
  // Checkpoints are the replication protocol's own: never sealed.
  const other = new PouchDB(server.dbUrl('notes'), { skip_setup: true, auth: { ...MEMBER } });
  expect(await other.get(id)).toMatchObject({ last_seq: 4 });
});
