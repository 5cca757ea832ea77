// Large files through PeerReplication against a real peer that is stopped
// midway and started again on the same address with the same data: the
// transfer must resume (the chunks that had arrived are not fetched again)
// and the file must arrive whole, both when the device catches up with a
// peer that already has the file and when the file arrives live.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_ID_PREFIX } from '../../../src/domain/file';
import { FilesStore } from '../../../src/storage/files';
import { hardenRemote } from '../../../src/sync/catchUp/hardenRemote';
import { silentLogger } from '../../../src/sync/common/logger';
import { PeerReplication } from '../../../src/sync/engine/PeerReplication';
import { nodePouchDB } from '../../../scripts/lib/peerServer.mjs';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const PouchDB = nodePouchDB();
const member = { username: MEMBER.username, password: MEMBER.password };
const MiB = 1024 * 1024;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const cleanup: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A peer keeping its data on disk, so that it comes back with it after a stop. */
async function diskPeer(dataDir: string, port = 0): Promise<PeerServer> {
  const server = await startTestPeer({ dataDir, ...(port ? { port } : {}) });
  cleanup.push(() => server.close());
  return server;
}

/**
 * The network between the device and the peer, as seen from the device: it
 * records which chunk documents are read, and can hold further chunk reads
 * back (a slow link) until released, so the test can stop the peer while a
 * transfer is surely in the middle.
 */
class Link {
  readonly chunkReads: string[] = [];
  private heldAfter = Infinity;
  private release: () => void = () => undefined;
  private readonly released = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  private holding?: () => void;
  readonly isHolding = new Promise<void>((resolve) => {
    this.holding = resolve;
  });

  holdAfter(reads: number): void {
    this.heldAfter = reads;
  }

  open(): void {
    this.release();
  }

  readonly fetch = async (url: string, options: RequestInit): Promise<Response> => {
    const id = chunkReadOf(url);
    if (id) {
      this.chunkReads.push(id);
      if (this.chunkReads.length > this.heldAfter) {
        this.holding?.();
        await this.released;
      }
    }
    return (PouchDB as unknown as { fetch: typeof fetch }).fetch(url, options);
  };
}

/** The chunk id when `url` reads a chunk's content (a document with attachments, or the attachment). */
function chunkReadOf(url: string): string | undefined {
  const path = decodeURIComponent(new URL(url).pathname);
  const match = /\/notes\/(chunk:[0-9a-f]+)(\/data)?$/.exec(path);
  if (!match?.[1]) return undefined;
  return match[2] || /attachments=true/.test(url) ? match[1] : undefined;
}

function deviceReplication(local: PouchDB.Database, url: string, link: Link): PeerReplication {
  const remote = hardenRemote(
    new PouchDB(url, { skip_setup: true, auth: member, fetch: link.fetch } as PouchDB.Configuration.RemoteDatabaseConfiguration),
  );
  const rep = new PeerReplication({
    localDb: local,
    remoteDb: remote,
    backOff: () => 100,
    logger: silentLogger,
    onUpdate: () => undefined,
    onPushed: () => undefined,
  });
  cleanup.push(() => rep.cancel());
  return rep;
}

async function chunksHeld(db: PouchDB.Database): Promise<string[]> {
  const res = await db.allDocs({ startkey: CHUNK_ID_PREFIX, endkey: `${CHUNK_ID_PREFIX}\uffff` });
  return res.rows.map((row) => row.id);
}

/** Adds a file of random bytes on a separate "laptop" database and copies it to the peer. */
async function fileOnPeer(url: string, bytes: Uint8Array): Promise<void> {
  const laptop = newLocalDb();
  const files = new FilesStore(laptop, { attachmentBody: (b) => Buffer.from(b) });
  await files.add({ file: new File([bytes as Uint8Array<ArrayBuffer>], 'video.bin') });
  await laptop.replicate.to(openRemote(url, member), { batch_size: 5 });
}

async function assertWhole(local: PouchDB.Database, bytes: Uint8Array): Promise<void> {
  const files = new FilesStore(local);
  const [file] = await files.list();
  expect(file?.isComplete).toBe(true);
  const blob = await files.read(file!.id);
  expect(sha(new Uint8Array(await blob.arrayBuffer()))).toBe(sha(bytes));
}

describe('a large file transfer interrupted by the peer going away', () => {
  it('resumes a catch-up where it stopped: chunks already here are not fetched again', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'p2pcloud-transfer-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await diskPeer(dataDir);
    const url = first.dbUrl('notes');
    const bytes = new Uint8Array(randomBytes(40 * MiB));
    await fileOnPeer(url, bytes);

    const local = newLocalDb();
    const link = new Link();
    // Past the first batch (16 MiB of attachments), further chunk reads wait.
    link.holdAfter(20);
    deviceReplication(local, url, link).start();
    await link.isHolding;
    await waitFor('the first batch written', async () => (await chunksHeld(local)).length >= 16, { timeoutMs: 60_000 });
    await first.close();
    const before = new Set(await chunksHeld(local));
    const readsBefore = link.chunkReads.length;
    link.open();

    await diskPeer(dataDir, first.port);
    await waitFor('every chunk', async () => (await chunksHeld(local)).length === 40, { timeoutMs: 90_000 });
    const readAgain = link.chunkReads.slice(readsBefore).filter((id) => before.has(id));
    expect(before.size).toBeGreaterThanOrEqual(16);
    expect(before.size).toBeLessThan(40);
    expect(readAgain).toEqual([]);
    await waitFor('the file document', async () => (await new FilesStore(local).list()).length === 1);
    await assertWhole(local, bytes);
  });

  it('resumes a live transfer where it stopped, ten chunks at most from the last one written', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'p2pcloud-transfer-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await diskPeer(dataDir);
    const url = first.dbUrl('notes');
    const local = newLocalDb();
    const link = new Link();
    const rep = deviceReplication(local, url, link);
    rep.start();
    await waitFor('up to date with the empty peer', () => rep.status().state === 'upToDate');

    // The file arrives on the peer while this device is live.
    link.holdAfter(15);
    const bytes = new Uint8Array(randomBytes(30 * MiB));
    await fileOnPeer(url, bytes);
    await link.isHolding;
    await waitFor('the first live batch written', async () => (await chunksHeld(local)).length >= 10, { timeoutMs: 60_000 });
    await first.close();
    const before = new Set(await chunksHeld(local));
    const readsBefore = link.chunkReads.length;
    link.open();

    await diskPeer(dataDir, first.port);
    await waitFor('every chunk', async () => (await chunksHeld(local)).length === 30, { timeoutMs: 90_000 });
    expect(before.size).toBeLessThan(30);
    expect(link.chunkReads.slice(readsBefore).filter((id) => before.has(id))).toEqual([]);
    await waitFor('the file document', async () => (await new FilesStore(local).list()).length === 1);
    await assertWhole(local, bytes);
  });
});
