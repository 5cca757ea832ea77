// Tells when the browser closes a PouchDB `idb` database's IndexedDB connection, which PouchDB never reports.

/**
 * Watches the IndexedDB database behind `db` through a connection of its
 * own, and calls `onClosed` when the browser closes it: another tab asks to
 * upgrade or delete it (`versionchange`), or the browser closes every
 * connection itself (`close`: storage pressure, the user clearing site
 * data, iOS). PouchDB's own connection is closed at the same moment, and
 * says nothing until the next call fails.
 * @remarks The watching connection closes itself on `versionchange`, so it
 * never blocks the upgrade or deletion it was told of. It never creates or
 * upgrades the database. Resolves to a function that stops watching.
 */
export async function watchIdbClose(db: PouchDB.Database, onClosed: (why: string) => void): Promise<() => void> {
  if ((db as { adapter?: string }).adapter !== 'idb' || typeof indexedDB === 'undefined') return () => undefined;
  // Opened (and if need be created) by PouchDB first.
  await db.info();
  const prefix = (db as { prefix?: string }).prefix ?? '_pouch_';
  const conn = await new Promise<IDBDatabase | undefined>((resolve) => {
    const req = indexedDB.open(`${prefix}${db.name}`);
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(undefined);
    req.onblocked = () => resolve(undefined);
  });
  if (!conn) return () => undefined;
  let isWatching = true;
  const closed = (why: string) => {
    if (!isWatching) return;
    isWatching = false;
    conn.close();
    onClosed(why);
  };
  conn.onversionchange = (event) =>
    closed(event.newVersion === null ? 'another tab deletes it' : `another tab upgrades it to version ${event.newVersion}`);
  conn.onclose = () => closed('the browser closed it');
  return () => {
    isWatching = false;
    conn.close();
  };
}
