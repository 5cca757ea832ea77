// A page that runs src/sync/catchUp/idbChangesPage.ts against a real IndexedDB in
// Chromium, beside PouchDB's own answers to the same questions, so that
// tests/e2e/idb-reads.spec.ts can compare the two.
import PouchDB from 'pouchdb-browser';
import { fastReplicate } from '../../../../src/sync/catchUp/fastReplicate';
import { openIdbChanges } from '../../../../src/sync/catchUp/idbChangesPage';

type Doc = Record<string, unknown>;
interface Change {
  id: string;
  seq: number;
  leaves: string[];
  deleted: boolean;
}

const rev = (generation: number, hash: string) => `${generation}-${hash.padEnd(32, '0')}`;

/** A database holding every shape a push meets: edits, deletions, conflicts, attachments, local docs. */
async function seeded(name: string): Promise<PouchDB.Database> {
  const db = new PouchDB(name);
  await db.bulkDocs(Array.from({ length: 12 }, (_, i) => ({ _id: `note:${String(i).padStart(2, '0')}`, title: `note ${i}` })));
  // Edited twice: its earlier entries in the by-sequence store are superseded.
  const first = await db.get<Doc>('note:03');
  const second = await db.put({ ...first, title: 'second' });
  await db.put({ ...first, _rev: second.rev, title: 'third' });
  // Deleted.
  await db.remove(await db.get('note:05'));
  // A conflict: two branches from 1-a, the losing one written last.
  const root = { _id: 'note:conflict', title: 'root', _rev: rev(1, 'a'), _revisions: { start: 1, ids: ['a'.padEnd(32, '0')] } };
  await db.bulkDocs([root], { new_edits: false });
  await db.bulkDocs([{ _id: 'note:conflict', title: 'winner', _rev: rev(3, 'c'), _revisions: { start: 3, ids: ['c', 'b', 'a'].map((h) => h.padEnd(32, '0')) } }], { new_edits: false });
  await db.bulkDocs([{ _id: 'note:conflict', title: 'loser', _rev: rev(2, 'd'), _revisions: { start: 2, ids: ['d', 'a'].map((h) => h.padEnd(32, '0')) } }], { new_edits: false });
  // A deleted branch beside a live one.
  await db.bulkDocs([{ _id: 'note:deleted-branch', title: 'live', _rev: rev(2, 'f'), _revisions: { start: 2, ids: ['f', 'e'].map((h) => h.padEnd(32, '0')) } }], { new_edits: false });
  await db.bulkDocs([{ _id: 'note:deleted-branch', _deleted: true, _rev: rev(3, 'g'), _revisions: { start: 3, ids: ['g', 'h', 'e'].map((h) => h.padEnd(32, '0')) } }], { new_edits: false });
  // An attachment (a file chunk).
  await db.put({ _id: 'chunk:1', _attachments: { data: { content_type: 'application/octet-stream', data: new Blob([new Uint8Array([1, 2, 3, 4])]) } } });
  // Not a change at all.
  await db.put({ _id: '_local/checkpoint', last_seq: 4 });
  // The last entries are superseded by the edit after them.
  const tail = await db.put({ _id: 'note:tail', title: 'one' });
  await db.put({ _id: 'note:tail', _rev: tail.rev, title: 'two' });
  return db;
}

const byRev = (a: Doc, b: Doc) => String(a['_rev']).localeCompare(String(b['_rev']));

async function viaPouch(db: PouchDB.Database): Promise<{ changes: Change[]; docs: Record<string, Doc[]> }> {
  const feed = await db.changes({ since: 0, style: 'all_docs' });
  const changes = feed.results.map((c) => ({ id: c.id, seq: Number(c.seq), leaves: c.changes.map((x) => x.rev).sort(), deleted: !!c.deleted }));
  const docs: Record<string, Doc[]> = {};
  for (const c of changes) {
    const answers = (await db.get(c.id, { open_revs: c.leaves, revs: true, latest: true } as PouchDB.Core.GetOpenRevisions)) as unknown as Array<{ ok?: Doc }>;
    docs[c.id] = answers.map((a) => a.ok!).sort(byRev);
  }
  return { changes, docs };
}

async function viaReader(db: PouchDB.Database, limit: number): Promise<{ changes: Change[]; docs: Record<string, Doc[]>; pages: number }> {
  const reader = await openIdbChanges(db);
  if (!reader) throw new Error('no reader for an idb database');
  const changes: Change[] = [];
  const docs: Record<string, Doc[]> = {};
  let since = 0;
  let pages = 0;
  try {
    for (;;) {
      const page = await reader.page(since, limit);
      pages += 1;
      const wanted = page.results.flatMap((c) => c.changes.map(({ rev }) => ({ id: c.id, rev })));
      for (const result of await page.read(wanted)) {
        docs[result.id] = result.docs.map((d) => ('ok' in d ? (d.ok as Doc) : { missing: d.missing })).sort(byRev);
      }
      for (const c of page.results) changes.push({ id: c.id, seq: Number(c.seq), leaves: c.changes.map((x) => x.rev).sort(), deleted: !!c.deleted });
      since = page.endSeq;
      if (!page.full) break;
    }
  } finally {
    reader.close();
  }
  return { changes, docs, pages };
}

const idbReads = {
  /** Both readers' answers for the seeded database, read in pages of `limit`. */
  compare: async (limit: number) => {
    const db = await seeded(`idb-reads-${limit}-${Date.now()}`);
    try {
      return { pouch: await viaPouch(db), reader: await viaReader(db, limit) };
    } finally {
      await db.destroy();
    }
  },
  /** True when destroying the database completes while a reader holds it open. */
  destroyWhileOpen: async () => {
    const db = new PouchDB(`idb-reads-destroy-${Date.now()}`);
    await db.put({ _id: 'note:1', title: 'x' });
    const reader = await openIdbChanges(db);
    if (!reader) throw new Error('no reader for an idb database');
    await db.destroy();
    // A page after the connection was given up falls back (the caller reads through PouchDB).
    const afterwards = await reader.page(0, 10).then(() => 'read', (err: Error) => err.name);
    return { afterwards, databases: (await indexedDB.databases()).map((d) => d.name) };
  },
  /**
   * A catch-up push (fastReplicate) from the seeded database into an empty
   * one: what it reported about its direct reads, and whether the target got
   * every document with every leaf.
   */
  push: async () => {
    const stamp = Date.now();
    const source = await seeded(`idb-reads-push-src-${stamp}`);
    const target = new PouchDB(`idb-reads-push-dst-${stamp}`);
    const fallbacks: string[] = [];
    try {
      await fastReplicate({ source, target, batchSize: 5, onReaderFallback: (err) => fallbacks.push(String(err)) });
      const leaves = async (db: PouchDB.Database) =>
        (await db.changes({ since: 0, style: 'all_docs' })).results.map((c) => [c.id, c.changes.map((x) => x.rev).sort()]).sort();
      return { fallbacks, source: await leaves(source), target: await leaves(target) };
    } finally {
      await Promise.all([source.destroy(), target.destroy()]);
    }
  },
  /** A remote database gets no reader. */
  remote: async (url: string) => (await openIdbChanges(new PouchDB(url, { skip_setup: true }))) === undefined,
};

declare global {
  interface Window {
    idbReads: typeof idbReads;
  }
}
window.idbReads = idbReads;
document.body.dataset['ready'] = 'true';
