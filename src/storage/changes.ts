/**
 * Calls `onChange` with the ids of documents changed in `db`, live: local
 * writes, writes from other tabs, and documents arriving from peers; and
 * whether the document is now deleted.
 * @returns a function that stops watching.
 */
export function watchChanges(db: PouchDB.Database, onChange: (docId: string, isDeleted: boolean) => void): () => void {
  const feed = db
    .changes({ live: true, since: 'now', return_docs: false })
    .on('change', (change) => onChange(change.id, change.deleted === true))
    .on('error', () => undefined);
  return () => feed.cancel();
}
