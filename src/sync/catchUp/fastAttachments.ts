/**
 * Attachments in the fast catch-up (fastReplicate.ts): file chunks and
 * thumbnails travel as attachments, and `_bulk_get` only returns stubs.
 * @remarks As PouchDB's replicator does, a revision with attachments is read
 * again with its attachment bodies (the HTTP adapter fetches each one as
 * binary, not as base64 inside JSON) and written with them. A batch is cut
 * short once it holds {@link ATTACHMENT_BUDGET} bytes of attachments, so a
 * catch-up full of 1 MiB chunks keeps a bounded amount in memory.
 */

/** Attachment bytes one batch may hold; always at least one change's worth. */
export const ATTACHMENT_BUDGET = 16 * 1024 * 1024;

/**
 * The budget when the target is a remote peer: PouchDB sends a batch as one
 * JSON body with every attachment in base64, built on the page's main thread
 * and in its heap. Measured without DevTools: a 4 MiB batch made tasks of
 * 290–351 ms, a 1 MiB one under 100 ms, for the same total time.
 */
export const PUSH_ATTACHMENT_BUDGET = 1024 * 1024;

/** How many revisions with attachments are read at once (browsers allow six connections per host). */
const PARALLEL_READS = 6;

type Doc = PouchDB.Core.PutDocument<object>;

interface Stub {
  stub?: boolean;
  length?: number;
}

const stubsOf = (doc: Doc): Stub[] => Object.values((doc as { _attachments?: Record<string, Stub> })._attachments ?? {});

/** Bytes of attachment bodies `doc` will need fetched: its stubs' lengths. */
export function attachmentBytes(doc: Doc): number {
  return stubsOf(doc).reduce((sum, att) => sum + (att.stub ? (att.length ?? 0) : 0), 0);
}

/**
 * The longest prefix of a changes page whose revisions fit the budget (at
 * least one change), with those revisions.
 * @returns how many changes are kept, and their documents.
 */
export function withinBudget(
  changes: readonly { id: string }[],
  docsById: ReadonlyMap<string, Doc[]>,
  budget = ATTACHMENT_BUDGET,
): { kept: number; docs: Doc[] } {
  const docs: Doc[] = [];
  let bytes = 0;
  for (let i = 0; i < changes.length; i += 1) {
    const mine = docsById.get(changes[i]?.id ?? '') ?? [];
    const more = mine.reduce((sum, doc) => sum + attachmentBytes(doc), 0);
    if (i > 0 && more > 0 && bytes + more > budget) return { kept: i, docs };
    bytes += more;
    docs.push(...mine);
  }
  return { kept: changes.length, docs };
}

/** Replaces every revision that has attachment stubs by the same revision with its attachments. */
export async function fillAttachments(source: PouchDB.Database, docs: Doc[]): Promise<Doc[]> {
  const out = [...docs];
  const todo = out.map((doc, i) => ({ doc, i })).filter(({ doc }) => stubsOf(doc).some((att) => att.stub));
  for (let start = 0; start < todo.length; start += PARALLEL_READS) {
    await Promise.all(
      todo.slice(start, start + PARALLEL_READS).map(async ({ doc, i }) => {
        out[i] = (await source.get(String(doc._id), {
          rev: String(doc._rev),
          revs: true,
          attachments: true,
          binary: true,
        }));
      }),
    );
  }
  return out;
}
