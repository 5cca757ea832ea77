// Competing revisions of file documents (`file:<id>`) in the device's PouchDB:
// a rename or move made on two devices at once, or a rename against a delete.
// Replication keeps every leaf; this module shows them and writes a person's
// choice so that it converges everywhere. Content (chunks, SHA-256) is never
// chosen here: only the name and folder.
import { FILE_SCHEMA_VERSION, normaliseFolder, type FileId, type FileMetadata } from '../domain/file';
import { releaseFileChunks } from './files';
import { deletedLeafRevs, unresolvedDeletions } from './notes';

/** One revision of a file's metadata, as a person compares them. */
export interface FileVersion {
  rev: string;
  name: string;
  folder: string;
  updatedAt: string;
  updatedBy: string;
  isDeleted: boolean;
}

/** Everything needed to settle a file's competing versions. */
export interface FileConflict {
  id: FileId;
  /** The revision replication picked as winner (the same on every node). */
  winner: FileVersion;
  /** The other live revisions. */
  others: FileVersion[];
  /** Deletions made on another device while the file was renamed or moved. */
  deletions: FileVersion[];
  /** The name and folder the live versions started from, when that revision is stored here. */
  base?: FileMetadata;
}

/** What a resolution keeps: a name and a folder (one version's, or a combination). */
export type FileChoice = FileMetadata;

type Doc = Record<string, unknown> & { _id: string; _rev: string };

const text = (value: unknown) => (typeof value === 'string' ? value : '');

function version(doc: Record<string, unknown>): FileVersion {
  return {
    rev: text(doc['_rev']),
    name: text(doc['name']),
    folder: normaliseFolder(text(doc['folder'])),
    updatedAt: text(doc['updatedAt']),
    updatedBy: text(doc['updatedBy']) || 'an unknown device',
    isDeleted: doc['_deleted'] === true,
  };
}

/** Fields a resolution writes itself; every other field is carried over from the winner. */
const OWN_FIELDS = new Set(['type', 'schemaVersion', 'name', 'folder', 'updatedAt', 'updatedBy', 'keptDespiteDeletion']);

/**
 * The resolved document, built so that its JSON depends only on the conflict
 * and the choice: fields in a fixed order, no clock, no device name.
 * @remarks PouchDB derives a revision id from the document's JSON, so two
 * devices making the same choice write the same revision and no new conflict
 * arises. Content comes from the winner: a file's content is immutable per
 * file id, so every leaf should point at the same chunks; if a peer ever sent
 * a leaf with other content, the winner's content is kept (the same on every
 * node) and only that leaf's name and folder are offered.
 */
function resolvedDoc(conflict: FileConflict, winnerDoc: Doc, choice: FileChoice): Record<string, unknown> {
  const live = [conflict.winner, ...conflict.others];
  const latest = live.map((v) => v.updatedAt).sort().at(-1) ?? '';
  const authors = [...new Set(live.map((v) => v.updatedBy))].sort().join(' + ');
  const carried = Object.keys(winnerDoc)
    .filter((key) => !key.startsWith('_') && !OWN_FIELDS.has(key))
    .sort()
    .map((key) => [key, winnerDoc[key]] as const);
  // Deletions overruled earlier stay overruled, or they would come back.
  const earlier = winnerDoc['keptDespiteDeletion'];
  const kept = [...new Set([...(Array.isArray(earlier) ? earlier.filter((r): r is string => typeof r === 'string') : []), ...conflict.deletions.map((d) => d.rev)])].sort();
  const thumb = (winnerDoc['_attachments'] as Record<string, { content_type?: string; digest?: string; length?: unknown }> | undefined)?.['thumb'];
  const stub = thumb?.digest && {
    content_type: thumb.content_type ?? 'image/jpeg',
    digest: thumb.digest,
    ...(typeof thumb.length === 'number' ? { length: thumb.length } : {}),
    stub: true,
  };
  return {
    _id: conflict.id,
    _rev: conflict.winner.rev,
    type: 'file',
    schemaVersion: FILE_SCHEMA_VERSION,
    ...Object.fromEntries(carried),
    name: choice.name.trim() || conflict.winner.name,
    folder: normaliseFolder(choice.folder),
    updatedAt: latest,
    updatedBy: `${authors} (resolved)`,
    ...(kept.length ? { keptDespiteDeletion: kept } : {}),
    // A stub keeps the thumbnail without sending it again; without revpos,
    // which may differ between devices and would change the revision id.
    ...(stub ? { _attachments: { thumb: stub } } : {}),
  };
}

/** Reads the competing versions of files and writes resolutions. */
export class FileConflictStore {
  constructor(private readonly db: PouchDB.Database) {}

  /** The file's competing versions, or undefined when it has none (or no longer exists). */
  async load(id: FileId): Promise<FileConflict | undefined> {
    let winnerDoc: Doc;
    try {
      winnerDoc = (await this.db.get(id, { conflicts: true })) as unknown as Doc;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return undefined;
      throw err;
    }
    const otherRevs = ((winnerDoc['_conflicts'] as string[] | undefined) ?? []).slice().sort();
    const deletedRevs = unresolvedDeletions({ ...winnerDoc, _deleted_conflicts: await deletedLeafRevs(this.db, id) });
    if (otherRevs.length === 0 && deletedRevs.length === 0) return undefined;
    const read = (rev: string) => this.db.get(id, { rev }) as unknown as Promise<Doc>;
    const [others, deletions] = await Promise.all([Promise.all(otherRevs.map(read)), Promise.all(deletedRevs.map(read))]);
    const base = others.length ? await this.commonAncestor(id, [winnerDoc._rev, ...otherRevs]) : undefined;
    return {
      id,
      winner: version(winnerDoc),
      others: others.map(version),
      deletions: deletions.map(version),
      ...(base ? { base } : {}),
    };
  }

  /** The newest revision every one of `leaves` descends from, if its body is stored here. */
  private async commonAncestor(id: FileId, leaves: string[]): Promise<FileMetadata | undefined> {
    const histories = await Promise.all(
      leaves.map(async (rev) => {
        const doc = (await this.db.get(id, { rev, revs: true })) as unknown as { _revisions?: { start: number; ids: string[] } };
        const revs = doc._revisions;
        return revs ? revs.ids.map((hash, i) => `${revs.start - i}-${hash}`).slice(1) : [];
      }),
    );
    const [first = [], ...rest] = histories;
    const shared = first.find((rev) => rest.every((history) => history.includes(rev)));
    if (!shared) return undefined;
    try {
      const { name, folder } = version((await this.db.get(id, { rev: shared })) as unknown as Doc);
      return { name, folder };
    } catch {
      // Compacted away, or never stored here (a peer sent only the leaves).
      return undefined;
    }
  }

  /**
   * Keeps one name and folder (a version's, or the winner's to keep a file
   * another device deleted): written on top of the winner, every other live
   * leaf deleted, and any deletion recorded as overruled.
   * @remarks Deterministic (see {@link resolvedDoc}): the same choice made on
   * two devices gives identical revisions; different choices come back as a
   * new, visible conflict. Fails with a 409 if the file changed meanwhile.
   */
  async keep(conflict: FileConflict, choice: FileChoice): Promise<void> {
    const winnerDoc = (await this.db.get(conflict.id, { rev: conflict.winner.rev })) as unknown as Doc;
    const resolved = resolvedDoc(conflict, winnerDoc, choice);
    const losers = conflict.others.map((v) => ({ _id: conflict.id, _rev: v.rev, _deleted: true }));
    await this.write([resolved, ...losers]);
  }

  /**
   * Accepts another device's deletion: deletes every live leaf.
   * @remarks The file's chunk documents stay, as with any delete (another
   * file may share them).
   */
  async acceptDeletion(conflict: FileConflict): Promise<void> {
    const live = [conflict.winner, ...conflict.others];
    // Every version points at the same parts; the winner's says at which revisions it found them.
    const winner = (await this.db.get(conflict.id, { rev: conflict.winner.rev })) as unknown as Record<string, unknown>;
    await this.write(live.map((v) => ({ _id: conflict.id, _rev: v.rev, _deleted: true })));
    // As FilesStore.remove: the parts no other file uses give their space back.
    await releaseFileChunks(this.db, winner);
  }

  private async write(docs: Record<string, unknown>[]): Promise<void> {
    const results = await this.db.bulkDocs(docs as PouchDB.Core.PutDocument<object>[]);
    const failed = results.find((r) => 'error' in r && r.error);
    if (failed) {
      throw Object.assign(new Error(`The file changed meanwhile; look at its versions again (${JSON.stringify(failed)}).`), {
        status: (failed as { status?: number }).status,
      });
    }
  }
}
