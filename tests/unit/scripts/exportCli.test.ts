// `npm run export -- <peer database URL> <folder>` against a real
// CouchDB-protocol test peer, run as a person (or cron) runs it: the same
// layout as the app's zip, incremental through the changes feed, and the
// password in the URL never printed.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CHUNK_SIZE } from '../../../src/domain/file';
import type { Manifest } from '../../../src/domain/exportManifest';
import { FilesStore } from '../../../src/storage/files';
import { NotesStore } from '../../../src/storage/notes';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';

const run = promisify(execFile);
const nodeBody = (bytes: Uint8Array) => Buffer.from(bytes);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of cleanup.splice(0)) await close();
});

async function setup() {
  const peer: PeerServer = await startTestPeer();
  const folder = await mkdtemp(join(tmpdir(), 'p2pcloud-export-'));
  cleanup.push(() => peer.close(), () => rm(folder, { recursive: true, force: true }));
  const db = newLocalDb();
  const notes = new NotesStore(db, () => 'Pi test');
  const files = new FilesStore(db, { deviceName: () => 'Pi test', attachmentBody: nodeBody });
  const remote = openRemote(peer.dbUrl('notes'), MEMBER);
  const push = () => db.replicate.to(remote);
  const secretUrl = peer.dbUrl('notes').replace('http://', `http://${MEMBER.username}:${MEMBER.password}@`);
  const exportNow = async () => {
    const { stdout, stderr } = await run(process.execPath, ['scripts/export.mjs', secretUrl, folder]);
    expect(`${stdout}${stderr}`).not.toContain(MEMBER.password);
    return stdout;
  };
  return { peer, folder, db, notes, files, push, exportNow };
}

async function listAll(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listAll(join(dir, entry.name), path)));
    else out.push(path);
  }
  return out.sort();
}

describe('npm run export', () => {
  it('#17 writes the export layout from a peer, then only what changed since, by the changes feed', async () => {
    const { folder, notes, files, push, exportNow } = await setup();
    const keep = await notes.create({ title: 'Keep me', body: 'same' });
    const edit = await notes.create({ title: 'Edit me', body: 'before' });
    const gone = await notes.create({ title: 'Delete me', body: 'bye' });
    const content = new Uint8Array(randomBytes(CHUNK_SIZE + 99));
    await files.add({ file: new File([content], 'photo.jpg', { type: 'image/jpeg' }), folder: 'holiday' });
    await push();

    const first = await exportNow();
    expect(first).toMatch(/^Exported http:\/\/127\.0\.0\.1:\d+\/notes to .+: notes 3 written, 0 unchanged; files 1 written, 0 unchanged; 0 removed\.\n$/);
    expect(await listAll(folder)).toEqual(['files/holiday/photo.jpg', 'notes/Delete me.md', 'notes/Edit me.md', 'notes/Keep me.md', 'p2pcloud.json']);
    expect(sha(new Uint8Array(await readFile(join(folder, 'files/holiday/photo.jpg'))))).toBe(sha(content));
    expect(await readFile(join(folder, 'notes/Keep me.md'), 'utf8')).toMatch(/^---\nid: note:\w+\ntitle: Keep me\n[\s\S]*device: Pi test\nrevision: 1-\w+\n---\nsame$/);
    const keptAt = (await stat(join(folder, 'notes/Keep me.md'))).mtimeMs;
    const photoAt = (await stat(join(folder, 'files/holiday/photo.jpg'))).mtimeMs;

    await notes.update(edit.id, { title: 'Edited', body: 'after' });
    await notes.remove(gone.id);
    await notes.create({ title: 'New one', body: 'hello' });
    await push();
    const second = await exportNow();
    expect(second).toContain('notes 2 written, 1 unchanged; files 0 written, 1 unchanged; 2 removed.');
    expect(await listAll(folder)).toEqual(['files/holiday/photo.jpg', 'notes/Edited.md', 'notes/Keep me.md', 'notes/New one.md', 'p2pcloud.json']);
    expect((await stat(join(folder, 'notes/Keep me.md'))).mtimeMs).toBe(keptAt);
    expect((await stat(join(folder, 'files/holiday/photo.jpg'))).mtimeMs).toBe(photoAt);
    const manifest = JSON.parse(await readFile(join(folder, 'p2pcloud.json'), 'utf8')) as Manifest;
    expect(manifest.source).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/notes$/);
    expect(manifest.notes.map((n) => n.path).sort()).toEqual(['notes/Edited.md', 'notes/Keep me.md', 'notes/New one.md']);
    expect(manifest.since).toBeDefined();
    expect(keep.id).toBe(manifest.notes.find((n) => n.path === 'notes/Keep me.md')?.id);

    // Nothing changed: nothing written.
    expect(await exportNow()).toContain('notes 0 written, 3 unchanged; files 0 written, 1 unchanged; 0 removed.');
  });

  it('#17 a file whose parts have not all reached the peer is skipped, said so, and written by the next run', async () => {
    const { folder, db, files, push, exportNow, peer } = await setup();
    const content = new Uint8Array(randomBytes(CHUNK_SIZE + 5));
    const added = await files.add({ file: new File([content], 'late.bin') });
    // Only the file document reaches the peer, as when its parts are still on their way.
    const remote = openRemote(peer.dbUrl('notes'), MEMBER);
    await db.replicate.to(remote, { doc_ids: [added.id] });
    const first = await exportNow();
    expect(first).toContain('files 0 written, 0 unchanged');
    expect(first).toContain(`Skipped ${added.id}: “late.bin”: a part of it is missing on the peer`);
    expect(await listAll(folder)).toEqual(['p2pcloud.json']);
    await push();
    expect(await exportNow()).toContain('files 1 written, 0 unchanged');
    expect(sha(new Uint8Array(await readFile(join(folder, 'files/late.bin'))))).toBe(sha(content));
  });

  it('#17 a wrong password is reported without the password', async () => {
    const { peer, folder } = await setup();
    const wrong = peer.dbUrl('notes').replace('http://', `http://${MEMBER.username}:not-the-password-42@`);
    const failed = await run(process.execPath, ['scripts/export.mjs', wrong, folder]).then(
      () => undefined,
      (err: { stderr: string; code: number }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('Export failed: the peer refused the name and password');
    expect(failed?.stderr).not.toContain('not-the-password-42');
  });
});
