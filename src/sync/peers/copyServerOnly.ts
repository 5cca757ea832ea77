// Before a peer's database is recreated: every revision only the server holds is copied to this device first.
import { isDesignDoc } from '../remote/designDocs';
import { SEALED_FIELD } from '../remote/sealedDocs';

/** What copying found: how many revisions came here, and those that could not (sealed, not opened here yet). */
export interface CopyOutcome {
  copied: number;
  /** Ids of documents with a sealed revision this device lacks: recreating would lose them. */
  notCopied: string[];
}

/** Reads one path of the server's database (already signed in as its admin) as JSON, or throws a status-bearing error. */
export type ReadJson = (path: string, init?: { method: 'POST'; body: unknown }) => Promise<unknown>;

/** Revisions asked about and fetched per request; file pieces are 1 MiB each, sent inline in base64. */
const BATCH = 10;
/** Rounds of "anything new since?" before giving up on a database that keeps changing. */
const MAX_ROUNDS = 5;

type Leaves = Record<string, string[]>;

/**
 * Copies to `localDb` every leaf revision (conflicts and deletions included)
 * that the server holds and this device does not, with its history and
 * attachments, as replication would (`new_edits: false`), so that deleting
 * the server's database loses no one's write. Reads the changes feed again
 * until a round brings nothing new, so what another device wrote meanwhile
 * is copied too. Sealed revisions are not copied (this device's own
 * database stays plain; the sync engine opens them) but named, so the
 * caller can refuse to go on. Design documents are left to the caller.
 */
export async function copyServerOnly(read: ReadJson, localDb: PouchDB.Database): Promise<CopyOutcome> {
  let since: unknown = 0;
  let copied = 0;
  const notCopied = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const feed = (await read(`_changes?style=all_docs&since=${encodeURIComponent(String(since))}`)) as {
      results?: Array<{ id: string; changes: Array<{ rev: string }> }>;
      last_seq?: unknown;
    };
    const results = (feed.results ?? []).filter((r) => !isDesignDoc(r.id));
    since = feed.last_seq ?? since;
    if (results.length === 0) return { copied, notCopied: [...notCopied] };
    for (let i = 0; i < results.length; i += BATCH) {
      const leaves: Leaves = {};
      for (const r of results.slice(i, i + BATCH)) leaves[r.id] = r.changes.map((c) => c.rev);
      const missing = (await localDb.revsDiff(leaves)) as Record<string, { missing?: string[] }>;
      const wanted = Object.entries(missing).flatMap(([id, m]) => (m.missing ?? []).map((rev) => ({ id, rev })));
      if (wanted.length === 0) continue;
      const docs = await fetchRevisions(read, wanted);
      const plain = docs.filter((doc) => !(SEALED_FIELD in doc));
      for (const doc of docs) if (SEALED_FIELD in doc) notCopied.add(String(doc._id));
      if (plain.length) {
        const written = (await localDb.bulkDocs(plain as PouchDB.Core.PutDocument<object>[], { new_edits: false })) as Array<{ error?: unknown }>;
        const failed = written.find((w) => w.error);
        if (failed) throw Object.assign(new Error('this device could not store a document from the server'), { status: 0 });
        copied += plain.length;
      }
    }
  }
  // Still changing after several rounds: someone is writing right now; better to stop than to race them.
  throw Object.assign(new Error('the database keeps changing'), { status: 409 });
}

/** The given revisions with their history and attachments, through `_bulk_get`. */
async function fetchRevisions(read: ReadJson, wanted: Array<{ id: string; rev: string }>): Promise<Array<Record<string, unknown>>> {
  const answer = (await read('_bulk_get?revs=true&attachments=true', { method: 'POST', body: { docs: wanted } })) as {
    results?: Array<{ id: string; docs: Array<{ ok?: Record<string, unknown>; error?: unknown }> }>;
  };
  const docs: Array<Record<string, unknown>> = [];
  for (const result of answer.results ?? []) {
    for (const one of result.docs) {
      // A revision gone meanwhile (compacted, purged) cannot be copied: say so rather than skip it.
      if (!one.ok) throw Object.assign(new Error(`could not read ${result.id} from the server`), { status: 409 });
      docs.push(one.ok);
    }
  }
  return docs;
}
