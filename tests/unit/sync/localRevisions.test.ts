import { describe, expect, it } from 'vitest';
import { historyOf, readRevisions, type WantedRev } from '../../../src/sync/catchUp/localRevisions';
import { newLocalDb } from '../../support/nodePouch';

type Docs = Awaited<ReturnType<typeof readRevisions>>;

/** The same answers in the same order, whatever order reads finished in. */
function normalized(results: Docs) {
  return results
    .map(({ id, docs }) => ({
      id,
      docs: docs
        .map((d) => ('ok' in d ? { ok: d.ok } : d))
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    }))
    .sort((x, y) => x.id.localeCompare(y.id));
}

async function throughGet(db: PouchDB.Database, wanted: WantedRev[]): Promise<Docs> {
  const byId = new Map<string, string[]>();
  for (const { id, rev } of wanted) byId.set(id, [...(byId.get(id) ?? []), rev]);
  return Promise.all(
    [...byId].map(async ([id, revs]) => ({
      id,
      docs: await db.get(id, { revs: true, open_revs: revs, latest: true } as PouchDB.Core.GetOpenRevisions),
    })),
  );
}

describe('reading revisions with their histories for a push', () => {
  it('answers exactly as get with revs and open_revs: edits, conflicts, deletions, attachments, latest', async () => {
    const db = newLocalDb();
    // Three generations.
    const a1 = await db.put({ _id: 'note:a', title: 'one' });
    const a2 = await db.put({ _id: 'note:a', _rev: a1.rev, title: 'two' });
    const a3 = await db.put({ _id: 'note:a', _rev: a2.rev, title: 'three' });
    // A conflict: two branches from one root, and a deleted third branch.
    await db.bulkDocs(
      [
        { _id: 'note:c', _rev: '2-bbb', title: 'left', _revisions: { start: 2, ids: ['bbb', 'aaa'] } },
        { _id: 'note:c', _rev: '3-ddd', title: 'right', _revisions: { start: 3, ids: ['ddd', 'ccc', 'aaa'] } },
        { _id: 'note:c', _rev: '2-eee', _deleted: true, _revisions: { start: 2, ids: ['eee', 'aaa'] } },
      ],
      { new_edits: false },
    );
    // A deleted document.
    const d1 = await db.put({ _id: 'note:d', title: 'soon gone' });
    const d2 = await db.remove('note:d', d1.rev);
    // An attachment, which must come back as a stub.
    const f1 = await db.put({
      _id: 'file:f',
      name: 'f.txt',
      _attachments: { data: { content_type: 'text/plain', data: btoa('hello') } },
    });
    const wanted: WantedRev[] = [
      { id: 'note:a', rev: a3.rev },
      { id: 'note:c', rev: '2-bbb' },
      { id: 'note:c', rev: '3-ddd' },
      { id: 'note:c', rev: '2-eee' },
      { id: 'note:d', rev: d2.rev },
      { id: 'file:f', rev: f1.rev },
      // Not a leaf any more: latest gives the leaf it led to, once.
      { id: 'note:a', rev: a1.rev },
      // Never existed.
      { id: 'note:nope', rev: '1-fff' },
    ];
    const mine = await readRevisions(db, wanted);
    expect(normalized(mine)).toEqual(normalized(await throughGet(db, wanted)));

    // And by hand, so that the comparison above cannot pass with both wrong.
    const byId = new Map(mine.map((r) => [r.id, r.docs]));
    const a = byId.get('note:a');
    expect(a).toHaveLength(1);
    expect(a?.[0]).toMatchObject({ ok: { _id: 'note:a', _rev: a3.rev, title: 'three', _revisions: { start: 3 } } });
    const ids = (a?.[0] as { ok: { _revisions: { ids: string[] } } }).ok._revisions.ids;
    expect(ids.map((h, i) => `${3 - i}-${h}`)).toEqual([a3.rev, a2.rev, a1.rev]);
    const c = byId.get('note:c')?.map((d) => ('ok' in d ? d.ok : d));
    expect(c).toContainEqual(expect.objectContaining({ _rev: '3-ddd', _revisions: { start: 3, ids: ['ddd', 'ccc', 'aaa'] } }));
    expect(c).toContainEqual(expect.objectContaining({ _rev: '2-eee', _deleted: true, _revisions: { start: 2, ids: ['eee', 'aaa'] } }));
    expect(byId.get('note:d')?.[0]).toMatchObject({ ok: { _rev: d2.rev, _deleted: true } });
    expect(byId.get('file:f')?.[0]).toMatchObject({ ok: { _attachments: { data: { stub: true, content_type: 'text/plain' } } } });
    expect(byId.get('note:nope')).toEqual([{ missing: '1-fff' }]);
  });

  it('finds a revision in a tree of several roots (a stemmed history) and not a hash at the wrong depth', () => {
    const tree = [
      { pos: 1, ids: ['r1', {}, [['x2', {}, [['x3', { deleted: true }, []]]], ['y2', {}, []]]] },
      { pos: 5, ids: ['s5', {}, [['s6', {}, []]]] },
    ] as Parameters<typeof historyOf>[0];
    expect(historyOf(tree, '3-x3')).toEqual({ revisions: { start: 3, ids: ['x3', 'x2', 'r1'] }, deleted: true });
    expect(historyOf(tree, '2-y2')).toEqual({ revisions: { start: 2, ids: ['y2', 'r1'] }, deleted: false });
    expect(historyOf(tree, '6-s6')).toEqual({ revisions: { start: 6, ids: ['s6', 's5'] }, deleted: false });
    expect(historyOf(tree, '3-x2')).toBeUndefined();
  });
});
