// Recreating a peer's database (issue #16): what only the server holds is
// copied to this device first, the database comes back empty with the same
// _security and design documents, and every bad input stops before anything
// is deleted. Against real test peers with authentication on.
import { afterEach, describe, expect, it } from 'vitest';
import { MeshKeyring } from '../../../src/domain/envelope';
import { recreateDatabase } from '../../../src/sync/peers/recreateDatabase';
import { sealDoc } from '../../../src/sync/remote/sealedDocs';
import { newLocalDb, openRemote } from '../../support/nodePouch';
import { ADMIN, MEMBER, startTestPeer, type PeerServer } from '../../support/peers';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
const member = { username: MEMBER.username, password: MEMBER.password };
const admin = { username: ADMIN.username, password: ADMIN.password };
const SECURITY = { admins: { names: ['carol'], roles: [] }, members: { names: [MEMBER.username], roles: ['family'] } };

function basic(c: { username: string; password: string }) {
  return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`, 'Content-Type': 'application/json' };
}

/** A plain peer holding what a device pushed, plus what only the server has: a note, a conflict, a deletion, a design document. */
async function plainPeer(): Promise<{ server: PeerServer; url: string; remote: PouchDB.Database; localDb: PouchDB.Database }> {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  const url = server.dbUrl('notes');
  await fetch(`${url}/_security`, { method: 'PUT', headers: basic(admin), body: JSON.stringify(SECURITY) });
  const remote = openRemote(url, member);
  const localDb = newLocalDb();
  await localDb.put({ _id: 'note:both', title: 'Shared plan', body: 'the plan both hold' });
  await localDb.put({ _id: 'note:gone', title: 'Old', body: 'deleted on another device' });
  await localDb.replicate.to(remote);
  const both = await localDb.get('note:both');
  // Another device's edit of note:both, in conflict with this device's own.
  await localDb.put({ ...both, body: 'edited here' });
  await remote.bulkDocs([{ _id: 'note:both', _rev: '2-ffffffffffffffffffffffffffffffff', _revisions: { start: 2, ids: ['ffffffffffffffffffffffffffffffff', both._rev.slice(2)] }, title: 'Shared plan', body: 'edited on the phone' }], { new_edits: false });
  await remote.put({ _id: 'note:server-only', title: 'Written on the phone', body: 'only the server has this' });
  await remote.put({ _id: 'chunk:abc', _attachments: { data: { content_type: 'application/octet-stream', data: Buffer.from('file bytes only there').toString('base64') } } });
  const gone = await remote.get('note:gone');
  await remote.remove(gone);
  await fetch(`${url}/_design/rules`, { method: 'PUT', headers: basic(admin), body: JSON.stringify({ validate_doc_update: 'function () {}', _attachments: { 'readme.txt': { content_type: 'text/plain', data: Buffer.from('keep me').toString('base64') } } }) });
  return { server, url, remote, localDb };
}

async function docCount(url: string): Promise<number> {
  const res = await fetch(`${url}/_all_docs`, { headers: basic(admin) });
  return ((await res.json()) as { rows: unknown[] }).rows.length;
}

describe('recreateDatabase', () => {
  it('copies what only the server holds to this device, then leaves the database empty with the same _security and design documents', async () => {
    const { url, localDb } = await plainPeer();
    const result = await recreateDatabase({ url, admin, localDb, fetch });
    expect(result).toEqual({ ok: true, copied: 4, designDocs: 1 });
    // Nothing only the server had is lost: the note, the file piece, the other side of the conflict, the deletion.
    expect(await localDb.get('note:server-only')).toMatchObject({ body: 'only the server has this' });
    expect(await localDb.get('chunk:abc', { attachments: true })).toMatchObject({ _attachments: { data: { data: Buffer.from('file bytes only there').toString('base64') } } });
    const both = await localDb.get('note:both', { conflicts: true });
    expect(both._conflicts).toHaveLength(1);
    await expect(localDb.get('note:gone')).rejects.toMatchObject({ status: 404 });
    // The server: no document, the same members and admins, the design document back with its attachment.
    const all = (await (await fetch(`${url}/_all_docs`, { headers: basic(admin) })).json()) as { rows: Array<{ id: string }> };
    expect(all.rows.map((r) => r.id)).toEqual(['_design/rules']);
    expect(await (await fetch(`${url}/_security`, { headers: basic(admin) })).json()).toEqual(SECURITY);
    expect(await (await fetch(`${url}/_design/rules/readme.txt`, { headers: basic(admin) })).text()).toBe('keep me');
    const changes = await (await fetch(`${url}/_changes`, { headers: basic(admin) })).text();
    expect(changes).not.toContain('note:');
    // The member still gets in, as before.
    expect((await fetch(url, { headers: basic(member) })).status).toBe(200);
  });

  it('refuses a wrong admin password, and a login that is not a server admin, changing nothing', async () => {
    const { url, localDb } = await plainPeer();
    const before = await docCount(url);
    expect(await recreateDatabase({ url, admin: { ...admin, password: 'wrong' }, localDb, fetch })).toEqual({ ok: false, problem: { kind: 'admin-refused' } });
    expect(await recreateDatabase({ url, admin: member, localDb, fetch })).toEqual({ ok: false, problem: { kind: 'not-admin' } });
    expect(await docCount(url)).toBe(before);
    await expect(localDb.get('note:server-only')).rejects.toMatchObject({ status: 404 });
  });

  it('refuses while the server holds a sealed revision this device has not opened, naming it, deleting nothing', async () => {
    const { url, remote, localDb } = await plainPeer();
    const sealed = await sealDoc(new MeshKeyring('another device’s passphrase'), { _id: 'note:sealed', _rev: '1-abcdef', _revisions: { start: 1, ids: ['abcdef'] }, title: 'sealed' });
    await remote.bulkDocs([sealed as PouchDB.Core.PutDocument<object>], { new_edits: false });
    const result = await recreateDatabase({ url, admin, localDb, fetch });
    expect(result).toEqual({ ok: false, problem: { kind: 'not-here', docIds: ['note:sealed'] } });
    expect((await remote.get('note:sealed')) as object).toHaveProperty('e2e');
    expect(await remote.get('note:server-only')).toMatchObject({ body: 'only the server has this' });
  });

  it('says the server is unreachable, and that a database deleted by someone else is gone, without touching anything', async () => {
    const { server, url, localDb } = await plainPeer();
    await fetch(url, { method: 'DELETE', headers: basic(admin) });
    expect(await recreateDatabase({ url, admin, localDb, fetch })).toEqual({ ok: false, problem: { kind: 'gone' } });
    await server.close();
    expect(await recreateDatabase({ url, admin, localDb, fetch, timeoutMs: 2000 })).toMatchObject({ ok: false, problem: { kind: 'unreachable', step: 'reading' } });
  });

  it('finishes an attempt cut short after deleting, with the settings it kept', async () => {
    const { url, localDb } = await plainPeer();
    // Cut short: the server refuses to create the database (a full disk, say) right after deleting it.
    let refuseCreate = true;
    const flaky: typeof fetch = (input, init) =>
      refuseCreate && init?.method === 'PUT' && input === url ? Promise.resolve(new Response('{"error":"file_exists_error"}', { status: 500 })) : fetch(input, init);
    const first = await recreateDatabase({ url, admin, localDb, fetch: flaky });
    expect(first).toMatchObject({ ok: false, problem: { kind: 'failed', step: 'creating', status: 500 } });
    expect((await fetch(url, { headers: basic(admin) })).status).toBe(404);
    if (first.ok || !first.saved) throw new Error('expected the settings kept');
    refuseCreate = false;
    expect(await recreateDatabase({ url, admin, localDb, fetch, saved: first.saved })).toEqual({ ok: true, copied: 0, designDocs: 1 });
    expect(await (await fetch(`${url}/_security`, { headers: basic(admin) })).json()).toEqual(SECURITY);
    expect(await localDb.get('note:server-only')).toMatchObject({ body: 'only the server has this' });
  });
});
