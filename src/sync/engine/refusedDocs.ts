// Keeps, per peer, the documents that peer refused with 401/403 and why, in
// memory; the engine saves a copy with the peer's push progress (peerStore.ts)
// so that a reload still names them.
import { oneAtATime } from '../common/oneAtATime';

/**
 * A document a peer refused, as PouchDB reports it: the `denied` event of a
 * replication, or a per-document error of `_bulk_docs`.
 */
interface DenialLike {
  id?: unknown;
  name?: unknown;
  error?: unknown;
  reason?: unknown;
  message?: unknown;
}

/** The field as text when it is text. */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** True for a per-document refusal for lack of permission (`unauthorized` or `forbidden`). */
export function isDenial(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as DenialLike;
  const name = (text(e.name) || text(e.error)).toLowerCase();
  return name === 'unauthorized' || name === 'forbidden';
}

/** What the peer said, short: `forbidden: only admins may…`. Never holds a URL or credentials. */
function denialDetail(err: DenialLike): string {
  const name = (text(err.name) || text(err.error) || 'forbidden').toLowerCase();
  const reason = (text(err.reason) || text(err.message)).trim();
  return reason ? `${name}: ${reason}` : name;
}

type Revision = PouchDB.Core.Document<object> & PouchDB.Core.GetMeta;

/**
 * The documents one peer refused with 401/403, which it does not hold.
 * @remarks PouchDB's replicator, like CouchDB's, steps over such a document
 * and moves its checkpoint past it: without this list the push would count
 * it as received. {@link retry} sends each again and drops those the peer
 * now holds; a document refused again meanwhile is never dropped by an
 * older retry (each entry carries the generation it was last refused in).
 * Used by {@link PeerReplication}; the engine counts these as pending.
 */
export class RefusedDocs {
  private readonly entries = new Map<string, { detail: string; generation: number }>();
  private generation = 0;
  /** The pass on its way, if any: a retry during another joins it. */
  private readonly retryPass = oneAtATime((localDb: PouchDB.Database, remoteDb: PouchDB.Database) => this.retryOnce(localDb, remoteDb));

  /**
   * @param onChange called after the list changed, with what to save.
   * @param saved the list as last saved (id to detail).
   */
  constructor(
    private readonly onChange: (saved: Record<string, string>) => void = () => undefined,
    saved: Readonly<Record<string, string>> = {},
  ) {
    for (const [id, detail] of Object.entries(saved)) this.entries.set(id, { detail, generation: 0 });
  }

  /** Records a refusal (a `denied` event or a per-document error); anything without an id is ignored. */
  add(err: unknown): void {
    const e = (typeof err === 'object' && err !== null ? err : {}) as DenialLike;
    if (typeof e.id !== 'string') return;
    this.generation += 1;
    this.entries.set(e.id, { detail: denialDetail(e), generation: this.generation });
    this.onChange(this.saved());
  }

  /** The refused ids, sorted. */
  ids(): string[] {
    return [...this.entries.keys()].sort();
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The peer's words for the latest refusal. */
  detail(): string {
    let latest: { detail: string; generation: number } | undefined;
    for (const entry of this.entries.values()) if (!latest || entry.generation >= latest.generation) latest = entry;
    return latest?.detail ?? '';
  }

  /**
   * Sends every refused document's current leaves that the peer lacks again,
   * and forgets those the peer now holds (the note was edited into something
   * it accepts, its rules changed, or this device signed in as someone who
   * may write). One at a time: a call during another joins it.
   * @throws what the peer or the local database threw (the peer away); the list is kept.
   */
  retry(localDb: PouchDB.Database, remoteDb: PouchDB.Database): Promise<void> {
    return this.entries.size === 0 ? Promise.resolve() : this.retryPass(localDb, remoteDb);
  }

  private async retryOnce(localDb: PouchDB.Database, remoteDb: PouchDB.Database): Promise<void> {
    const started = new Map([...this.entries].map(([id, entry]) => [id, entry.generation]));
    const leaves = new Map<string, Revision[]>();
    for (const id of started.keys()) {
      // Not in @types/pouchdb: open_revs takes `attachments` too (file chunks carry theirs).
      const options = { open_revs: 'all', revs: true, attachments: true } as PouchDB.Core.GetOpenRevisions;
      const found = await localDb.get(id, options);
      leaves.set(id, found.flatMap((row) => ('ok' in row ? [row.ok as Revision] : [])));
    }
    const asked: Record<string, string[]> = {};
    for (const [id, docs] of leaves) if (docs.length) asked[id] = docs.map((doc) => doc._rev);
    const diff = Object.keys(asked).length ? await remoteDb.revsDiff(asked) : {};
    const lacking = (id: string) => new Set(diff[id]?.missing ?? []);
    const resend = [...leaves].flatMap(([id, docs]) => docs.filter((doc) => lacking(id).has(doc._rev)));
    // Written as the replicator writes them: with their history, as they are here.
    const results = resend.length ? await remoteDb.bulkDocs(resend, { new_edits: false }) : [];
    const stillRefused = new Map<string, unknown>();
    for (const result of results) if ('error' in result && result.error && result.id) stillRefused.set(result.id, result);
    let isChanged = false;
    for (const [id, generation] of started) {
      const entry = this.entries.get(id);
      // Refused again since this retry read the document: that newer refusal stands.
      if (!entry || entry.generation !== generation) continue;
      const refusal = stillRefused.get(id);
      if (refusal && isDenial(refusal)) entry.detail = denialDetail(refusal);
      else if (!refusal) this.entries.delete(id);
      isChanged = true;
    }
    if (isChanged) this.onChange(this.saved());
  }

  private saved(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([id, entry]) => [id, entry.detail]));
  }
}
