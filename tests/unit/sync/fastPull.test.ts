// The fast catch-up (src/sync/catchUp/fastReplicate.ts) against real CouchDB-protocol
// peers: what it writes must be exactly what PouchDB's replicator would have
// written (histories, conflicts, deletions), its checkpoints must be the ones
// PouchDB resumes from, and an interrupted run must resume, not restart.
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyError } from '../../../src/sync/common/errors';
import { readCheckpoint, replicationId } from '../../../src/sync/catchUp/fastCheckpoint';
import { md5Base64 } from '../../../src/sync/catchUp/fastMd5';
import { fastReplicate } from '../../../src/sync/catchUp/fastReplicate';
import { hardenRemote } from '../../../src/sync/catchUp/hardenRemote';
import { silentLogger } from '../../../src/sync/common/logger';
import { PeerReplication } from '../../../src/sync/engine/PeerReplication';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const require = createRequire(import.meta.url);
const member = { username: MEMBER.username, password: MEMBER.password };

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function peer(options: Parameters<typeof startTestPeer>[0] = {}): Promise<PeerServer> {
  const server = await startTestPeer(options);
  cleanup.push(() => server.close());
  return server;
}

async function remoteOf(server: PeerServer): Promise<PouchDB.Database> {
  const remote = openRemote(server.dbUrl('notes'), member);
  await remote.info();
  return remote;
}

/** JSON with sorted keys, so that equal documents compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Every leaf of every document with its full history: equal snapshots mean identical databases. */
async function snapshot(db: PouchDB.Database): Promise<string[]> {
  const changes = await db.changes({ since: 0, style: 'all_docs' });
  const rows = await Promise.all(
    changes.results.map(async (change) => {
      const leaves = await db.get(change.id, { open_revs: 'all', revs: true });
      const docs = leaves.map((leaf) => canonical('ok' in leaf ? leaf.ok : leaf));
      return `${change.id}: ${docs.sort().join(' | ')}`;
    }),
  );
  return rows.sort();
}

const body = (i: number) => `note ${i} `.padEnd(400, 'lorem ipsum ');

/** Documents with edits, a two-leaf conflict and deletions: what a mesh of devices produces. */
async function seedTricky(db: PouchDB.Database): Promise<void> {
  await db.bulkDocs(Array.from({ length: 30 }, (_, i) => ({ _id: `note:${String(i).padStart(3, '0')}`, body: body(i) })));
  const first = await db.get<{ body: string }>('note:000');
  const second = await db.put({ ...first, body: 'edited once' });
  await db.put({ ...first, _rev: second.rev, body: 'edited twice' });
  // A conflicting branch made on another device, written as replication writes it.
  await db.bulkDocs(
    [{ _id: 'note:000', _rev: '2-ffffffffffffffffffffffffffffffff', body: 'the other device', _revisions: { start: 2, ids: ['ffffffffffffffffffffffffffffffff', first._rev.slice(2)] } }],
    { new_edits: false },
  );
  const doomed = await db.get('note:001');
  await db.remove(doomed);
  const gone = await db.put({ _id: 'note:gone', body: 'short-lived' });
  await db.remove('note:gone', gone.rev);
}

describe('checkpoints in PouchDB’s format', () => {
  it('hashes as PouchDB does', () => {
    for (const text of ['', 'abc', 'x'.repeat(64), 'http://127.0.0.1:5984/notes/uuid-1234', 'é\u0100']) {
      expect(md5Base64(text)).toBe(createHash('md5').update(text, 'binary').digest('base64'));
    }
  });

  it('names a replication exactly as pouchdb-generate-replication-id does', async () => {
    const server = await peer();
    const [remote, local] = [await remoteOf(server), newLocalDb()];
    type Generate = (source: unknown, target: unknown, opts: object) => Promise<string>;
    const loaded = require('pouchdb-generate-replication-id') as Generate | { default: Generate };
    const generate = typeof loaded === 'function' ? loaded : loaded.default;
    const pouchId = await generate(remote, local, {});
    expect(await replicationId(remote, local)).toBe(pouchId);
  });
});

describe('fastReplicate', () => {
  it('pulls histories, conflicts and deletions exactly, and PouchDB then finds nothing left', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const local = newLocalDb();
    const result = await fastReplicate({ source: remote, target: local, batchSize: 7, checkpointEvery: 2 });
    expect(result.completed).toBe(true);
    expect(await snapshot(local)).toEqual(await snapshot(remote));
    const conflicted = await local.get('note:000', { conflicts: true });
    expect(conflicted._conflicts).toHaveLength(1);
    await expect(local.get('note:001')).rejects.toMatchObject({ status: 404, reason: 'deleted' });
    // PouchDB's own replication resumes at our checkpoint and transfers nothing.
    const asked: unknown[] = [];
    const changes = remote.changes.bind(remote);
    remote.changes = (opts: PouchDB.Core.ChangesOptions) => (asked.push(opts.since), changes(opts));
    const after = await local.replicate.from(remote);
    expect(asked[0]).toEqual(result.lastSeq);
    expect(after.docs_written).toBe(0);
    expect(after.docs_read).toBe(0);
  });

  it('pushes histories, conflicts and deletions exactly, and PouchDB then finds nothing left', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    const local = newLocalDb();
    await seedTricky(local);
    const result = await fastReplicate({ source: local, target: remote, batchSize: 10 });
    expect(await snapshot(remote)).toEqual(await snapshot(local));
    expect(await readCheckpoint(local, remote, await replicationId(local, remote))).toEqual(result.lastSeq);
    const after = await local.replicate.to(remote);
    expect(after.docs_written).toBe(0);
    expect(after.last_seq).toEqual(result.lastSeq);
  });

  it('writes into a database that already has some of the documents, asking revs_diff', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const local = newLocalDb();
    await local.replicate.from(remote, { doc_ids: ['note:002', 'note:003'] });
    await local.put({ _id: 'note:mine', body: 'only here' });
    const result = await fastReplicate({ source: remote, target: local, batchSize: 100 });
    // 31 documents with 32 leaf revisions; two of them were here already.
    expect(result.docsWritten).toBe(30);
    expect((await snapshot(local)).filter((row) => !row.startsWith('note:mine'))).toEqual(await snapshot(remote));
  });

  it('resumes an interrupted pull from its last checkpoint instead of starting over', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fastpull-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startTestPeer({ dataDir });
    const seeding = await remoteOf(first);
    await seeding.bulkDocs(Array.from({ length: 600 }, (_, i) => ({ _id: `note:${i}`, body: body(i) })));
    const local = newLocalDb();
    let stopping: Promise<void> | undefined;
    const interrupted = fastReplicate({
      source: seeding,
      target: local,
      batchSize: 50,
      checkpointEvery: 2,
      // The Pi loses power after some batches.
      onBatch: (p) => void (p.changesRead >= 350 && (stopping ??= first.close())),
    });
    const err = await interrupted.then(() => null, (e: unknown) => e);
    await stopping;
    expect(classifyError(err)).toBe('network');
    const again = await peer({ dataDir, port: first.port });
    const remote = await remoteOf(again);
    const id = await replicationId(remote, local);
    const resumeFrom = await readCheckpoint(remote, local, id);
    // Checkpoints every 100 changes: at least 300 were safely recorded.
    expect(Number(resumeFrom)).toBeGreaterThanOrEqual(300);
    const result = await fastReplicate({ source: remote, target: local, batchSize: 50 });
    expect(result.changesRead).toBe(600 - Number(resumeFrom));
    expect(await snapshot(local)).toEqual(await snapshot(remote));
    expect((await local.replicate.from(remote)).docs_written).toBe(0);
  });

  it('proves an empty device got everything from the peer, so nothing needs pushing back', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const local = newLocalDb();
    const pulled = await fastReplicate({ source: remote, target: local, batchSize: 5 });
    expect(pulled.onlyFromSource).toBe((await local.info()).update_seq);
    // Starting there, the push looks at nothing, and PouchDB agrees there is nothing to push.
    const pushed = await fastReplicate({ source: local, target: remote, coveredUpTo: pulled.onlyFromSource });
    expect(pushed.changesRead).toBe(0);
    expect(await readCheckpoint(local, remote, await replicationId(local, remote))).toBe(pulled.onlyFromSource);
    expect((await local.replicate.to(remote)).docs_written).toBe(0);
  });

  it('does not claim so when something else wrote to the device meanwhile', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const local = newLocalDb();
    // Someone types a note right after the first batch is written.
    const bulkDocs = local.bulkDocs.bind(local) as (...args: unknown[]) => Promise<unknown>;
    let typed = false;
    local.bulkDocs = ((...args: unknown[]) => {
      // put() calls bulkDocs with a callback: leave those alone.
      if (typed || typeof args[2] === 'function') return bulkDocs(...args);
      typed = true;
      return bulkDocs(...args).then(async (result) => {
        await local.put({ _id: 'note:typed-meanwhile', body: 'new' });
        return result;
      });
    }) as typeof local.bulkDocs;
    const pulled = await fastReplicate({ source: remote, target: local, batchSize: 5 });
    expect(pulled.onlyFromSource).toBeUndefined();
    await fastReplicate({ source: local, target: remote });
    expect(await remote.get('note:typed-meanwhile')).toMatchObject({ body: 'new' });
  });

  it('does not claim so for a device that already had documents', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const local = newLocalDb();
    await local.put({ _id: 'note:mine', body: 'only here' });
    expect((await fastReplicate({ source: remote, target: local })).onlyFromSource).toBeUndefined();
  });

  it('carries attachments (file chunks) itself, and PouchDB then finds nothing left', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const bytes = (n: number, fill: number) => Buffer.alloc(n, fill).toString('base64');
    await remote.put({ _id: 'chunk:a', _attachments: { data: { content_type: 'application/octet-stream', data: bytes(5000, 1) } } });
    const file = await remote.put({ _id: 'file:1', name: 'a', _attachments: { thumb: { content_type: 'image/jpeg', data: bytes(300, 2) } } });
    await remote.put({ _id: 'file:1', _rev: file.rev, name: 'renamed', _attachments: { thumb: { content_type: 'image/jpeg', data: bytes(300, 3) } } });
    const local = newLocalDb();
    expect((await fastReplicate({ source: remote, target: local })).completed).toBe(true);
    expect(await snapshot(local)).toEqual(await snapshot(remote));
    const body = async (db: PouchDB.Database, id: string, name: string) => [...((await db.getAttachment(id, name)) as Buffer)];
    expect(await body(local, 'chunk:a', 'data')).toEqual([...Buffer.alloc(5000, 1)]);
    expect(await body(local, 'file:1', 'thumb')).toEqual([...Buffer.alloc(300, 3)]);
    expect((await local.replicate.from(remote)).docs_written).toBe(0);
  });

  it('cuts batches so that attachments in memory stay within a budget', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    const local = newLocalDb();
    const big = Buffer.alloc(400 * 1024, 7).toString('base64');
    for (const id of ['chunk:1', 'chunk:2', 'chunk:3']) {
      await local.put({ _id: id, _attachments: { data: { content_type: 'application/octet-stream', data: big } } });
    }
    const batches: number[] = [];
    const result = await fastReplicate({ source: local, target: remote, onBatch: (p) => batches.push(p.changesRead) });
    expect(result.docsWritten).toBe(3);
    // A push to a peer holds at most 1 MiB of attachments (each batch is one
    // JSON body with them in base64): two of the 400 KiB chunks, then the third.
    expect(batches).toEqual([2, 3]);
    expect(((await remote.getAttachment('chunk:3', 'data')) as Buffer).length).toBe(400 * 1024);
    expect((await local.replicate.to(remote)).docs_written).toBe(0);
  });

  it('stops before a document the peer refuses, without moving the checkpoint past it', async () => {
    const server = await peer({ maxDocumentBytes: 2000 });
    const remote = await remoteOf(server);
    const local = newLocalDb();
    await local.bulkDocs([{ _id: 'note:a', body: 'fits' }, { _id: 'note:huge', body: 'x'.repeat(10_000) }]);
    const err = await fastReplicate({ source: local, target: remote }).then(() => null, (e: unknown) => e);
    expect(classifyError(err)).toBe('too-large');
    expect(await readCheckpoint(local, remote, await replicationId(local, remote))).toBe(0);
  });
});

describe('PeerReplication with the fast catch-up', () => {
  function replication(localDb: PouchDB.Database, remoteDb: PouchDB.Database, pushed: Array<string | number>) {
    const rep = new PeerReplication({
      localDb,
      remoteDb: hardenRemote(remoteDb),
      backOff: () => 50,
      logger: silentLogger,
      onUpdate: () => undefined,
      onPushed: (seq) => pushed.push(seq),
    });
    cleanup.push(() => rep.cancel());
    return rep;
  }

  it('catches up both ways, then live replication carries on from there', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await seedTricky(remote);
    const local = newLocalDb();
    await local.bulkDocs(Array.from({ length: 20 }, (_, i) => ({ _id: `note:local-${i}`, body: body(i) })));
    const pushed: Array<string | number> = [];
    const rep = replication(local, remote, pushed);
    rep.start();
    await waitFor('up to date', () => rep.status().state === 'upToDate' && rep.status().lastSyncedAt);
    expect(await snapshot(local)).toEqual(await snapshot(remote));
    expect(pushed.length).toBeGreaterThan(0);
    await remote.put({ _id: 'note:later', body: 'written after the catch-up' });
    await waitFor('live pull', () => local.get('note:later').catch(() => null));
  });

  it('tells the engine early that an empty device which pulled everything has nothing to push', async () => {
    const server = await peer();
    const remote = await remoteOf(server);
    await remote.bulkDocs(Array.from({ length: 700 }, (_, i) => ({ _id: `note:${i}`, body: body(i) })));
    const local = newLocalDb();
    const pushed: Array<string | number> = [];
    const rep = replication(local, remote, pushed);
    rep.start();
    await waitFor('up to date', () => rep.status().state === 'upToDate' && rep.status().lastSyncedAt);
    // Reported batch by batch while pulling (100, 300, 700), not only at the end.
    expect(pushed.slice(0, 3)).toEqual([100, 300, 700]);
    expect(pushed.at(-1)).toBe((await local.info()).update_seq);
  });
});
