// The reopenable database in Node, on PouchDB's memory adapter: a handle closed
// under the stores is opened again, the call runs there, live feeds go on.
import { describe, expect, it } from 'vitest';
import { nodePouchDB } from '../../../scripts/lib/peerServer.mjs';
import { reopenable } from '../../../src/storage/reopenableDb';
import { isConnectionClosed, isStorageFull } from '../../../src/storage/idbClosed';
import { waitFor } from '../../support/waitFor';

const PouchDB = nodePouchDB();
let count = 0;

function openReopenable() {
  count += 1;
  const name = `reopen-${count}-${Date.now()}`;
  const opened: PouchDB.Database[] = [];
  const local = reopenable({
    open: () => {
      const db = new PouchDB(name, { adapter: 'memory' });
      opened.push(db);
      return db;
    },
  });
  return { local, opened };
}

describe('reopenable local database', () => {
  it('runs a call that met a closed handle again on a new one, and nothing is lost', async () => {
    const { local, opened } = openReopenable();
    await local.db.put({ _id: 'note:a', title: 'before' });
    await opened[0]!.close();
    // A closed PouchDB handle refuses every call: the proxy reopens and retries.
    const res = await local.db.put({ _id: 'note:b', title: 'after' });
    expect(res.ok).toBe(true);
    expect(opened).toHaveLength(2);
    expect(local.reopens()).toBe(1);
    expect(local.state()).toBe('open');
    const all = await local.db.allDocs();
    expect(all.rows.map((r) => r.id)).toEqual(['note:a', 'note:b']);
  });

  it('keeps a live feed going across a reopen, from where it was', async () => {
    const { local, opened } = openReopenable();
    const seen: string[] = [];
    const feed = local.db.changes({ live: true, since: 'now' }).on('change', (c) => seen.push(c.id));
    await local.db.put({ _id: 'one' });
    await waitFor('the first change', () => seen.includes('one'));
    await opened[0]!.close();
    await local.db.put({ _id: 'two' });
    await waitFor('the change after the reopen', () => seen.includes('two'));
    expect(seen).toEqual(['one', 'two']);
    feed.cancel();
  });

  it('tells why it was reopened', async () => {
    const { local, opened } = openReopenable();
    const causes: string[] = [];
    local.onReopened((why) => causes.push(why));
    await opened[0]!.close();
    await local.db.info();
    expect(causes).toEqual(['closed']);
  });

  it('recognises what the browser says of a closed connection and of a full disk', () => {
    expect(isConnectionClosed(new DOMException("Failed to execute 'transaction' on 'IDBDatabase': The database connection is closing.", 'InvalidStateError'))).toBe(true);
    expect(isConnectionClosed({ status: 500, name: 'indexed_db_went_bad', reason: 'The connection was closed.' })).toBe(true);
    expect(isConnectionClosed({ status: 404, name: 'not_found' })).toBe(false);
    expect(isStorageFull({ status: 500, name: 'indexed_db_went_bad', reason: 'DataError', message: 'unknown' })).toBe(true);
    expect(isStorageFull({ name: 'QuotaExceededError' })).toBe(true);
    expect(isStorageFull({ status: 409, name: 'conflict' })).toBe(false);
  });
});
