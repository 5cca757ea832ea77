// The catch-up seals a batch for an encrypted peer ahead of writing it
// (prepareWrites.ts, issue #16 cost): each revision is sealed once, what was
// sealed ahead is written as it is, and the write still refuses what it must.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EnvelopeError, MeshKeyring } from '../../../src/domain/envelope';
import { fastReplicate } from '../../../src/sync/catchUp/fastReplicate';
import { encryptPeer } from '../../../src/sync/remote/encryptedPeer';
import { prepareWrites } from '../../../src/sync/remote/prepareWrites';
import { openDoc, sealDoc, SEALED_FIELD } from '../../../src/sync/remote/sealedDocs';
import { UnreadableDocs } from '../../../src/sync/remote/unreadableDocs';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer } from '../../support/peers';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const member = { username: MEMBER.username, password: MEMBER.password };
// The lowest iteration count the envelope accepts: these tests derive several keys.
const ITERATIONS = 100_000;

async function peerDb(name: string): Promise<PouchDB.Database> {
  const server = await startTestPeer({ databases: [name] });
  cleanup.push(() => server.close());
  return openRemote(server.dbUrl(name), member);
}

/** A keyring that counts the revisions it seals. */
function countingKeyring(passphrase = 'the mesh passphrase'): { keyring: MeshKeyring; sealed: () => number } {
  const keyring = new MeshKeyring(passphrase, ITERATIONS);
  let count = 0;
  const sealJson = keyring.sealJson.bind(keyring);
  keyring.sealJson = (value, aad) => {
    count += 1;
    return sealJson(value, aad);
  };
  return { keyring, sealed: () => count };
}

const note = (i: number) => ({ _id: `note:${String(i).padStart(4, '0')}`, type: 'note', title: `Secret ${i}`, body: `body ${i}` });

describe('sealing ahead of the write', () => {
  it('a catch-up push of several batches seals each revision once, and every one opens on the peer', async () => {
    const local = newLocalDb();
    await local.bulkDocs(Array.from({ length: 250 }, (_, i) => note(i)));
    const remote = await peerDb('sealed');
    const { keyring, sealed } = countingKeyring();
    const target = encryptPeer(remote, keyring, new UnreadableDocs(() => undefined, {}));
    const result = await fastReplicate({ source: local, target, batchSize: 100 });
    expect(result.docsWritten).toBe(250);
    expect(sealed()).toBe(250);
    const raw = await openRemote(remote.name, member).allDocs({ include_docs: true });
    expect(raw.rows).toHaveLength(250);
    for (const row of raw.rows) {
      const doc = row.doc as unknown as Record<string, unknown>;
      expect(Object.keys(doc).sort()).toEqual(['_id', '_rev', SEALED_FIELD]);
      const opened = await openDoc(keyring, doc);
      expect(opened).toMatchObject({ type: 'note', title: `Secret ${Number(row.id.slice(5))}` });
      expect(opened).not.toHaveProperty(SEALED_FIELD);
    }
  });

  it('a peer found empty has its fresh key derived at once, before anything is sealed; one with changes does not', async () => {
    const empty = await peerDb('empty');
    const keyring = new MeshKeyring('the mesh passphrase', ITERATIONS);
    const warmUp = vi.spyOn(keyring, 'warmUp');
    const target = encryptPeer(empty, keyring, new UnreadableDocs(() => undefined, {}));
    await target.changes({ since: 0, limit: 100 });
    expect(warmUp).toHaveBeenCalledTimes(1);

    const full = await peerDb('full');
    await openRemote(full.name, member).bulkDocs([await sealDoc(keyring, { _id: 'note:1', _rev: '1-a', title: 'x' })] as Array<PouchDB.Core.PutDocument<object>>, { new_edits: false });
    const other = new MeshKeyring('the mesh passphrase', ITERATIONS);
    const notWarmed = vi.spyOn(other, 'warmUp');
    const handle = encryptPeer(full, other, new UnreadableDocs(() => undefined, {}));
    await handle.changes({ since: 0, limit: 100 });
    // And a later page of an empty answer is not the start of the peer.
    await handle.changes({ since: '1-xyz', limit: 100 });
    expect(notWarmed).not.toHaveBeenCalled();
  });

  it('a plain handle offers nothing: its documents come back as they are', async () => {
    const remote = await peerDb('plain');
    const docs = [{ _id: 'note:1', _rev: '1-a', title: 'plain' }];
    expect(await prepareWrites(remote, docs)).toBe(docs);
  });

  it('never fails ahead: what cannot be sealed is left to the write, which refuses it as before', async () => {
    const remote = await peerDb('norev');
    const target = encryptPeer(remote, new MeshKeyring('the mesh passphrase', ITERATIONS), new UnreadableDocs(() => undefined, {}));
    const docs = [{ _id: 'note:1', title: 'no revision' }];
    expect(await prepareWrites(target, docs)).toEqual(docs);
    await expect(target.bulkDocs(docs, { new_edits: false })).rejects.toMatchObject({ name: 'EnvelopeError', reason: 'unsupported' });
  });

  it('documents sealed ahead are still refused at the write once nothing read from the peer opens', async () => {
    const remote = await peerDb('other');
    // A revision sealed under another passphrase, put on the peer past any handle.
    const foreign = await sealDoc(new MeshKeyring('another passphrase', ITERATIONS), { _id: 'note:foreign', _rev: '1-f', title: 'theirs' });
    await openRemote(remote.name, member).bulkDocs([foreign as PouchDB.Core.PutDocument<object>], { new_edits: false });
    const target = encryptPeer(remote, new MeshKeyring('the mesh passphrase', ITERATIONS), new UnreadableDocs(() => undefined, {}));
    const ready = await prepareWrites(target, [{ _id: 'note:mine', _rev: '1-m', title: 'mine' }]);
    expect(ready[0]).toHaveProperty(SEALED_FIELD);
    // The pull reads what does not open: from then on nothing is sent.
    const read = await target.bulkGet({ docs: [{ id: 'note:foreign', rev: '1-f' }], revs: true });
    expect(read.results[0]?.docs).toEqual([]);
    const refused = target.bulkDocs(ready, { new_edits: false });
    await expect(refused).rejects.toBeInstanceOf(EnvelopeError);
    await expect(refused).rejects.toMatchObject({ reason: 'authentication' });
    expect((await openRemote(remote.name, member).allDocs()).rows.map((row) => row.id)).toEqual(['note:foreign']);
  });
});
