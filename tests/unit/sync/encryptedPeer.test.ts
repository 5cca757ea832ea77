// A peer marked encrypted holds only ciphertext (issue #16): devices seal on
// the way there and open on the way back; the local databases hold plain
// documents; what fails to open is not stored and is named on the peer row.
import { describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import type { PeerConfig } from '../../../src/domain/peer';
import { type EnginePeer } from '../../../src/sync/engine/SyncEngine';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, type PeerServer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';
import { engineHarness } from '../../support/engineHarness';

const { engineFor, peer } = engineHarness();

const member = { username: MEMBER.username, password: MEMBER.password };
const PASSPHRASE = 'a mesh passphrase nobody guesses';



function encrypted(url: string, passphrase = PASSPHRASE): EnginePeer {
  const config: PeerConfig = { id: peerIdFor(url), url, isPaused: false, addedAt: new Date().toISOString(), encrypted: true };
  return { config, credentials: member, passphrase };
}

function plain(url: string): EnginePeer {
  return { config: { id: peerIdFor(url), url, isPaused: false, addedAt: new Date().toISOString() }, credentials: member };
}

const FILE_BYTES = Buffer.from('JPEG bytes of the holiday photo, nobody else may see them '.repeat(40));
const notes = [
  { _id: 'note:0001', type: 'note', title: 'Tax return draft', body: 'My income was 54321 last year' },
  { _id: 'note:0002', type: 'note', title: 'Diary', body: 'Dear diary, today the cat spoke' },
];
const fileDoc = { _id: 'file:0001', type: 'file', name: 'holiday-photo.jpg', mimeType: 'image/jpeg', chunks: ['chunk:abc'] };
const chunkDoc = { _id: 'chunk:abc', type: 'chunk', _attachments: { data: { content_type: 'image/jpeg', data: FILE_BYTES.toString('base64') } } };
const SECRETS = ['Tax return', '54321', 'Diary', 'cat spoke', 'holiday-photo', 'image/jpeg'];

/** Every document and attachment body on the peer, as raw text and bytes read past the app. */
async function everythingOn(server: PeerServer): Promise<{ text: string; bytes: Buffer[] }> {
  const auth = `Basic ${Buffer.from(`${member.username}:${member.password}`).toString('base64')}`;
  const url = `${server.dbUrl('notes')}/_all_docs?include_docs=true&attachments=true&conflicts=true`;
  const res = await fetch(url, { headers: { Authorization: auth, Accept: 'application/json' } });
  const text = await res.text();
  const rows = (JSON.parse(text) as { rows: Array<{ doc: { _attachments?: Record<string, { data: string }> } }> }).rows;
  const bytes = rows.flatMap((row) => Object.values(row.doc._attachments ?? {}).map((att) => Buffer.from(att.data, 'base64')));
  return { text, bytes };
}

const plainDocs = async (db: PouchDB.Database) =>
  (await db.allDocs({ include_docs: true, conflicts: true })).rows
    .map((row) => row.doc as unknown as Record<string, unknown>)
    .filter((doc) => !String(doc['_id']).startsWith('peer:'));

describe('an encrypted peer', () => {
  it('carries notes and files between two devices while holding none of their plaintext; a plain peer beside it holds them plain', async () => {
    const p = await peer();
    const q = await peer();
    const deviceA = newLocalDb();
    await deviceA.bulkDocs([...notes, fileDoc, chunkDoc]);
    const engineA = engineFor(deviceA);
    await engineA.setPeers([encrypted(p.dbUrl('notes')), plain(q.dbUrl('notes'))]);

    const deviceB = newLocalDb();
    const engineB = engineFor(deviceB);
    await engineB.setPeers([encrypted(p.dbUrl('notes'))]);
    // The catch-up pull.
    await waitFor('B has the file chunk', () => deviceB.get('chunk:abc').catch(() => null));
    // The live pull and push: a note written on A after both went live.
    await deviceA.put({ _id: 'note:0003', type: 'note', title: 'Later', body: 'Written while live: lighthouse' });
    await waitFor('the live note reaches B', () => deviceB.get('note:0003').catch(() => null));
    SECRETS.push('lighthouse');
    // A file chunk through the live replications: its attachment read alone (getAttachment).
    const LIVE_BYTES = Buffer.from('PDF bytes of the lease, sent while live '.repeat(30));
    await deviceA.put({ _id: 'chunk:def', type: 'chunk', _attachments: { data: { content_type: 'application/pdf', data: LIVE_BYTES.toString('base64') } } });
    await waitFor('the live chunk reaches B', () => deviceB.get('chunk:def').catch(() => null));
    expect(Buffer.from((await deviceB.getAttachment('chunk:def', 'data')) as Buffer).equals(LIVE_BYTES)).toBe(true);

    const onA = await plainDocs(deviceA);
    const onB = await plainDocs(deviceB);
    expect(onB.map(({ _id, _rev, title, body }) => ({ _id, _rev, title, body }))).toEqual(
      onA.map(({ _id, _rev, title, body }) => ({ _id, _rev, title, body })),
    );
    const chunk = await deviceB.getAttachment('chunk:abc', 'data');
    expect(Buffer.from(chunk as Buffer).equals(FILE_BYTES)).toBe(true);
    expect((await deviceB.get('chunk:abc'))._attachments?.['data']?.content_type).toBe('image/jpeg');

    // The peer: the same ids and revisions, none of the plaintext.
    const remote = openRemote(p.dbUrl('notes'), member);
    const held = await remote.allDocs();
    expect(held.rows.map((row) => [row.id, row.value.rev])).toEqual(onA.map((doc) => [doc['_id'], doc['_rev']]));
    const { text, bytes } = await everythingOn(p);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).toContain('"e2e"');
    expect(bytes).toHaveLength(2);
    for (const raw of bytes) expect(raw.includes(FILE_BYTES.subarray(0, 32)) || raw.includes(LIVE_BYTES.subarray(0, 32))).toBe(false);
    expect(text).not.toContain(FILE_BYTES.subarray(0, 30).toString('base64'));
    expect(text).not.toContain('application/pdf');
    // The relay to a plain peer beside it: plain there.
    await waitFor('Q holds the notes', () => openRemote(q.dbUrl('notes'), member).get('note:0003').catch(() => null));
    const onQ = await everythingOn(q);
    expect(onQ.text).toContain('Tax return draft');
    expect(onQ.text).not.toContain('"e2e"');
  });

  it('with another passphrase, stores nothing, names every document on the peer row, and keeps syncing with the others; the right one reads them', async () => {
    const p = await peer();
    const q = await peer();
    const writer = newLocalDb();
    await writer.bulkDocs([...notes, fileDoc, chunkDoc]);
    const engineW = engineFor(writer);
    await engineW.setPeers([encrypted(p.dbUrl('notes'))]);
    await waitFor('the peer has the chunk', () => openRemote(p.dbUrl('notes'), member).get('chunk:abc').catch(() => null));
    await openRemote(q.dbUrl('notes'), member).put({ _id: 'note:from-q', title: 'on the plain peer' });

    const device = newLocalDb();
    const engine = engineFor(device);
    const wrong = encrypted(p.dbUrl('notes'), 'not the passphrase');
    await engine.setPeers([wrong, plain(q.dbUrl('notes'))]);
    const status = await waitFor(
      'the peer row names the documents',
      () => {
        const s = engine.getSnapshot().peers[wrong.config.id];
        return s?.error?.reason === 'unreadable' && s.error.docIds?.length === 4 ? s : null;
      },
      { subscribe: engine.subscribe },
    );
    expect(status.error?.docIds).toEqual(['chunk:abc', 'file:0001', 'note:0001', 'note:0002']);
    expect(status.error?.detail).toMatch(/another passphrase/);
    await waitFor('the plain peer still syncs', () => device.get('note:from-q').catch(() => null));
    expect((await device.allDocs()).rows.map((row) => row.id)).toEqual(['note:from-q']);
    // Nor is anything sent there under the wrong passphrase (the note from Q would be).
    await waitFor('the push stops', () => engine.getSnapshot().peers[wrong.config.id]?.state === 'failed', { subscribe: engine.subscribe });
    await expect(openRemote(p.dbUrl('notes'), member).get('note:from-q')).rejects.toMatchObject({ status: 404 });

    // Corrected: what was left out is read again, though the checkpoints moved past it.
    await engine.setPeers([encrypted(p.dbUrl('notes')), plain(q.dbUrl('notes'))]);
    await waitFor('the chunk arrives', () => device.get('chunk:abc').catch(() => null));
    await waitFor('the row is clear', () => !engine.getSnapshot().peers[wrong.config.id]?.error, { subscribe: engine.subscribe });
    expect((await device.get<{ title: string }>('note:0001')).title).toBe('Tax return draft');
  });

  it('a plain or tampered document on it is not stored, is named, and overwrites nothing', async () => {
    const p = await peer();
    const device = newLocalDb();
    await device.put(notes[0]!);
    const engine = engineFor(device);
    const cfg = encrypted(p.dbUrl('notes'));
    await engine.setPeers([cfg]);
    const remote = openRemote(p.dbUrl('notes'), member);
    const sealed = await waitFor('the note is on the peer', () => remote.get<Record<string, unknown>>('note:0001').catch(() => null));
    const local = await device.get('note:0001');

    // Written on the peer past the app: a plain note, and a new revision whose envelope was taken from another document.
    await remote.put({ _id: 'note:planted', title: 'plain text on the peer' });
    const envelope = sealed['e2e'] as { ct: string };
    await remote.put({ ...sealed, e2e: { ...envelope, ct: `A${envelope.ct.slice(1)}` } });
    await waitFor(
      'both are named',
      () => (engine.getSnapshot().peers[cfg.config.id]?.error?.docIds ?? []).length === 2,
      { subscribe: engine.subscribe },
    );
    expect(engine.getSnapshot().peers[cfg.config.id]?.error).toMatchObject({ reason: 'unreadable', docIds: ['note:0001', 'note:planted'] });
    await expect(device.get('note:planted')).rejects.toMatchObject({ status: 404 });
    const after = await device.get('note:0001', { revs_info: true });
    expect(after._rev).toBe(local._rev);
    expect(after).toMatchObject({ title: 'Tax return draft' });
  });

  it('conflicts still work: both devices end with the same winner and the same competing version', async () => {
    const p = await peer();
    const a = newLocalDb();
    const b = newLocalDb();
    const engineA = engineFor(a);
    const engineB = engineFor(b);
    await a.put(notes[0]!);
    await engineA.setPeers([encrypted(p.dbUrl('notes'))]);
    await engineB.setPeers([encrypted(p.dbUrl('notes'))]);
    const base = await waitFor('B has the note', () => b.get<Record<string, unknown>>('note:0001').catch(() => null));
    // Both offline, both edit.
    await engineA.setPeers([]);
    await engineB.setPeers([]);
    await a.put({ ...base, body: 'edited on A' });
    await b.put({ ...base, body: 'edited on B' });
    await engineA.setPeers([encrypted(p.dbUrl('notes'))]);
    await engineB.setPeers([encrypted(p.dbUrl('notes'))]);
    const conflicted = async (db: PouchDB.Database) => {
      const doc = await db.get<{ body: string }>('note:0001', { conflicts: true });
      return doc._conflicts?.length === 1 ? doc : null;
    };
    const onA = await waitFor('A sees the conflict', () => conflicted(a));
    const onB = await waitFor('B sees the conflict', () => conflicted(b));
    expect(onB._rev).toBe(onA._rev);
    expect(onB._conflicts).toEqual(onA._conflicts);
    const loser = await b.get<{ body: string }>('note:0001', { rev: onB._conflicts![0]! });
    expect([onB.body, loser.body].sort()).toEqual(['edited on A', 'edited on B']);
    const { text } = await everythingOn(p);
    expect(text).not.toContain('edited on');
  });
});

describe('a device with another passphrase', () => {
  it('sends the encrypted peer nothing once what it reads there does not open, and says why', async () => {
    const p = await peer();
    const writer = newLocalDb();
    await writer.bulkDocs(notes);
    const engineW = engineFor(writer);
    await engineW.setPeers([encrypted(p.dbUrl('notes'))]);
    const remote = openRemote(p.dbUrl('notes'), member);
    await waitFor('the peer has both notes', async () => (await remote.allDocs()).rows.length === 2);

    const device = newLocalDb();
    await device.put({ _id: 'note:mine', title: 'Written here', body: 'under the wrong passphrase' });
    const engine = engineFor(device);
    const wrong = encrypted(p.dbUrl('notes'), 'not the passphrase');
    await engine.setPeers([wrong]);
    const status = await waitFor(
      'the push stops, naming what did not open',
      () => {
        const s = engine.getSnapshot().peers[wrong.config.id];
        return s?.state === 'failed' && s.error?.reason === 'unreadable' ? s : null;
      },
      { subscribe: engine.subscribe },
    );
    expect(status.error).toMatchObject({ docIds: ['note:0001', 'note:0002'] });
    expect(status.error?.detail).toMatch(/opens none of the 2 documents read from this peer: nothing is sent/);
    expect((await remote.allDocs()).rows.map((row) => row.id)).toEqual(['note:0001', 'note:0002']);

    // The right passphrase: its note goes up, sealed, and the others come down.
    await engine.setPeers([encrypted(p.dbUrl('notes'))]);
    await waitFor('its note reaches the peer', () => remote.get('note:mine').catch(() => null));
    await waitFor('the others arrive', () => device.get('note:0002').catch(() => null));
    expect(await waitFor('the writer opens it', () => writer.get<{ title: string }>('note:mine').catch(() => null))).toMatchObject({ title: 'Written here' });
  });
});
