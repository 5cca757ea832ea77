// Keeps, per encrypted peer, the revisions this device read from it and
// did not store because they failed to open (encryptedPeer.ts), in memory;
// the engine saves a copy with the peer's push progress (peerStore.ts) so
// that a reload still names them and can read them again.
import { EnvelopeError } from '../../domain/envelope';
import { oneAtATime } from '../common/oneAtATime';

/** A revision's key in the list. */
const key = (id: string, rev: string) => `${id}\n${rev}`;

/** What the peer row says about a failure, short; never holds plaintext or a passphrase. */
export function unreadableDetail(err: unknown): string {
  if (err instanceof EnvelopeError) {
    switch (err.reason) {
      case 'authentication':
        return 'failed authentication: another passphrase, or changed on the peer';
      case 'not-encrypted':
        return 'plain on a peer marked encrypted';
      case 'unsupported':
      case 'malformed':
        return `not a readable envelope (${err.reason})`;
    }
  }
  return 'could not be opened';
}

/** The revision of an `open_revs` row without a document: missing, or left out by encryptedPeer.ts. */
const leafRev = (row: object): string | undefined => {
  const r = row as { missing?: string; unreadable?: string };
  return r.missing ?? r.unreadable;
};

/**
 * The revisions one encrypted peer holds that this device refused to
 * store, and why.
 * @remarks PouchDB's replicator moves its checkpoint past a revision left
 * out of a `_bulk_get` answer, as it does past a refused one (refusedDocs.ts):
 * without this list nothing would ever read it again. {@link retry} reads
 * every listed document's leaves again (after the passphrase was corrected,
 * say) and stores those that now open. Used by PeerReplication; the peer
 * row shows the count and the ids.
 */
export class UnreadableDocs {
  private readonly entries = new Map<string, { id: string; rev: string; detail: string }>();
  /** The pass on its way, if any: a retry during another joins it. */
  private readonly retryPass = oneAtATime((localDb: PouchDB.Database, remoteDb: PouchDB.Database) => this.retryOnce(localDb, remoteDb));

  /**
   * @param onChange called after the list changed, with what to save.
   * @param saved the list as last saved (`id\nrev` to detail).
   */
  constructor(
    private readonly onChange: (saved: Record<string, string>) => void = () => undefined,
    saved: Readonly<Record<string, string>> = {},
  ) {
    for (const [k, detail] of Object.entries(saved)) {
      const [id = '', rev = ''] = k.split('\n');
      if (id) this.entries.set(k, { id, rev, detail });
    }
  }

  /** Records a revision that failed to open. */
  add(id: string, rev: string, err: unknown): void {
    const detail = unreadableDetail(err);
    const k = key(id, rev);
    if (this.entries.get(k)?.detail === detail) return;
    this.entries.set(k, { id, rev, detail });
    this.onChange(this.saved());
  }

  /** Forgets a revision that has now opened. */
  opened(id: string, rev: string): void {
    if (this.entries.delete(key(id, rev))) this.onChange(this.saved());
  }

  /** The ids of the documents concerned, sorted, once each. */
  ids(): string[] {
    return [...new Set([...this.entries.values()].map((e) => e.id))].sort();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Why, for the latest entry. */
  detail(): string {
    return [...this.entries.values()].pop()?.detail ?? '';
  }

  /**
   * Reads every listed document's leaves from the peer again, through the
   * encrypted handle (which forgets those that open, and keeps those that do
   * not), and stores those that opened here, with their history, as the
   * replicator would. One at a time: a call during another joins it.
   * @throws what the peer or the local database threw; the list is kept.
   */
  retry(localDb: PouchDB.Database, remoteDb: PouchDB.Database): Promise<void> {
    return this.entries.size === 0 ? Promise.resolve() : this.retryPass(localDb, remoteDb);
  }

  private async retryOnce(localDb: PouchDB.Database, remoteDb: PouchDB.Database): Promise<void> {
    for (const id of this.ids()) {
      // Not in @types/pouchdb: open_revs takes `attachments` too (file chunks carry theirs).
      const options = { open_revs: 'all', revs: true, attachments: true } as PouchDB.Core.GetOpenRevisions;
      const found = await remoteDb.get(id, options);
      const docs = found.flatMap((row) => ('ok' in row ? [row.ok] : []));
      if (docs.length) await localDb.bulkDocs(docs as PouchDB.Core.PutDocument<object>[], { new_edits: false });
      // A revision the peer no longer has (compacted away, or the peer recreated) is not coming back.
      const leaves = new Set(found.map((row) => ('ok' in row ? row.ok._rev : leafRev(row))));
      for (const entry of [...this.entries.values()]) if (entry.id === id && !leaves.has(entry.rev)) this.opened(id, entry.rev);
    }
  }

  private saved(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([k, entry]) => [k, entry.detail]));
  }
}
