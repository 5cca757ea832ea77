import { describe, expect, it } from 'vitest';
import { couchappPlace, offeredNotesDb } from '../../../src/domain/couchapp';

describe('#14 couchappPlace: is this page served by a CouchDB server?', () => {
  it('recognises a design document attachment, with or without a proxy prefix', () => {
    expect(couchappPlace('https://pi.local:6984/p2pcloud-app/_design/p2pcloud/index.html#/peers')).toEqual({
      serverUrl: 'https://pi.local:6984',
      designDocUrl: 'https://pi.local:6984/p2pcloud-app/_design/p2pcloud',
    });
    expect(couchappPlace('https://home.example/couch/apps/_design/p2pcloud/?share=1#/files')).toEqual({
      serverUrl: 'https://home.example/couch',
      designDocUrl: 'https://home.example/couch/apps/_design/p2pcloud',
    });
  });

  it('says nothing for an app served any other way', () => {
    expect(couchappPlace('http://localhost:8080/#/notes')).toBeUndefined();
    expect(couchappPlace('https://notes.example/index.html')).toBeUndefined();
    expect(couchappPlace('https://x/db/_design/p2pcloud/assets/index.js')).toBeUndefined();
    expect(couchappPlace('not a url')).toBeUndefined();
  });

  it('takes the offered notes database only when it is a database name', () => {
    expect(offeredNotesDb({ p2pcloud: { notesDb: 'notes' } })).toBe('notes');
    expect(offeredNotesDb({ p2pcloud: { notesDb: '../_users' } })).toBeUndefined();
    expect(offeredNotesDb({ p2pcloud: { notesDb: 3 } })).toBeUndefined();
    expect(offeredNotesDb(null)).toBeUndefined();
  });
});
