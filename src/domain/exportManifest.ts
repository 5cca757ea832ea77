// The layout of an export, shared by the app's zip and the command line's
// folder: notes/<title>.md, files/<folder>/<name>, and p2pcloud.json, the
// manifest that lets an import recognise its own export (ids, revisions and
// the SHA-256 of every file written).
import { Sha256 } from './file';
import { NameAllocator, safeFolder, safeNamePart, splitExtension } from './exportNames';
import { renderNoteFile } from './frontMatter';
import { displayTitle } from './note';

/** Name of the manifest at the top of an export. */
export const MANIFEST_PATH = 'p2pcloud.json';
export const EXPORT_FORMAT = 'p2pcloud-export';
export const NOTES_FOLDER = 'notes';
export const FILES_FOLDER = 'files';
/**
 * Revision ids kept per version: enough for an import to find where the
 * version joins the device's own history, without a manifest the size of
 * every edit ever made.
 */
export const HISTORY_KEPT = 50;

/** A revision and its ancestors, newest first, as CouchDB's `_revisions`. */
export interface RevisionHistory {
  start: number;
  ids: string[];
}

/** One note version written to the export. */
export interface ManifestNote {
  id: string;
  rev: string;
  path: string;
  /** SHA-256 of the file as written: a file whose hash differs was edited since. */
  sha256: string;
  revisions: RevisionHistory;
  schemaVersion: number;
  /** One of the competing versions of a note with unresolved conflicts (not the one the app shows). */
  conflict?: true;
}

/** One file written to the export, with what its document held. */
export interface ManifestFile {
  id: string;
  rev: string;
  path: string;
  sha256: string;
  size: number;
  name: string;
  folder: string;
  mimeType: string;
  /** SHA-256 of each 1 MiB part, in order (domain/file.ts). */
  chunks: string[];
  addedAt: string;
  addedBy: string;
  updatedAt: string;
  updatedBy: string;
  schemaVersion: number;
  revisions: RevisionHistory;
}

/** p2pcloud.json. */
export interface Manifest {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  /** Where it came from: 'this device' or a peer's address without credentials. */
  source: string;
  /** The peer's changes-feed position this export is complete up to (command-line exports). */
  since?: string | number;
  notes: ManifestNote[];
  files: ManifestFile[];
  /** What could not be exported and why (a file not complete on the device). */
  skipped: { id: string; reason: string }[];
}

/** A note version read from a stored document. */
export interface NoteVersion {
  id: string;
  rev: string;
  revisions: RevisionHistory;
  schemaVersion: number;
  title: string;
  body: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  isConflict: boolean;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The history of a document read with `revs: true`, trimmed to {@link HISTORY_KEPT}; without one, the revision alone. */
export function historyOf(doc: Record<string, unknown>): RevisionHistory {
  const revisions = doc['_revisions'] as RevisionHistory | undefined;
  if (revisions && typeof revisions.start === 'number' && Array.isArray(revisions.ids)) {
    return { start: revisions.start, ids: revisions.ids.slice(0, HISTORY_KEPT) };
  }
  const [gen, hash] = text(doc['_rev']).split('-');
  return { start: Number(gen), ids: [hash ?? ''] };
}

/** Reads a note document (read with `revs: true`) defensively, as the app does. */
export function noteVersionOf(doc: Record<string, unknown>, isConflict: boolean): NoteVersion {
  return {
    id: text(doc['_id']),
    rev: text(doc['_rev']),
    revisions: historyOf(doc),
    schemaVersion: typeof doc['schemaVersion'] === 'number' ? doc['schemaVersion'] : 1,
    title: text(doc['title']),
    body: text(doc['body']),
    createdAt: text(doc['createdAt']),
    updatedAt: text(doc['updatedAt']) || text(doc['createdAt']),
    updatedBy: text(doc['updatedBy']),
    isConflict,
  };
}

/** SHA-256 of text as UTF-8, lowercase hex. */
export function sha256OfText(value: string): string {
  return new Sha256().update(new TextEncoder().encode(value)).hex();
}

/** A note version as a file of the export: where, its text, and its manifest entry. */
export function noteFile(version: NoteVersion, names: NameAllocator): { path: string; text: string; entry: ManifestNote } {
  const title = displayTitle(version);
  const stem = version.isConflict
    ? `${safeNamePart(title)} (conflict, ${safeNamePart(version.updatedBy, 'another device')})`
    : safeNamePart(title);
  const path = names.claim(NOTES_FOLDER, stem, '.md');
  const body = renderNoteFile(
    {
      id: version.id,
      title: version.title,
      created: version.createdAt,
      updated: version.updatedAt,
      device: version.updatedBy,
      revision: version.rev,
      ...(version.isConflict ? { conflict: true as const } : {}),
    },
    version.body,
  );
  const entry: ManifestNote = {
    id: version.id,
    rev: version.rev,
    path,
    sha256: sha256OfText(body),
    revisions: version.revisions,
    schemaVersion: version.schemaVersion,
    ...(version.isConflict ? { conflict: true as const } : {}),
  };
  return { path, text: body, entry };
}

/** Where a file goes in the export: files/<folder>/<name>, unique. */
export function filePath(file: { name: string; folder: string }, names: NameAllocator): string {
  const { stem, extension } = splitExtension(file.name);
  const folder = safeFolder(file.folder);
  const safeExtension = extension ? safeNamePart(extension.slice(1), '') : '';
  return names.claim(folder ? `${FILES_FOLDER}/${folder}` : FILES_FOLDER, safeNamePart(stem, 'unnamed'), safeExtension ? `.${safeExtension}` : '');
}

/**
 * The revision an edit of `parent` with content `content` gets on import,
 * with its history: the same edit imported twice is the same revision (so
 * nothing changes the second time), and it joins the note's history where
 * the exported version did, so a device that changed the note since gets
 * two competing versions, never one silently replacing the other.
 */
export function editRevision(parent: RevisionHistory, content: string): { rev: string; revisions: RevisionHistory } {
  const hash = sha256OfText(`${parent.start}-${parent.ids[0] ?? ''}\n${content}`).slice(0, 32);
  const start = parent.start + 1;
  return { rev: `${start}-${hash}`, revisions: { start, ids: [hash, ...parent.ids].slice(0, HISTORY_KEPT) } };
}

/** A first revision for content with no known parent (a note from another app). */
export function firstRevision(content: string): { rev: string; revisions: RevisionHistory } {
  const hash = sha256OfText(content).slice(0, 32);
  return { rev: `1-${hash}`, revisions: { start: 1, ids: [hash] } };
}

/** The revision `rev` (`3-abc`) as a history of one. */
export function historyOfRev(rev: string): RevisionHistory | undefined {
  const match = /^(\d+)-([0-9a-zA-Z]+)$/.exec(rev);
  return match ? { start: Number(match[1]), ids: [match[2] ?? ''] } : undefined;
}

/** Reads p2pcloud.json; a damaged one is an error, never half-trusted. */
export function parseManifest(source: string): { manifest: Manifest } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch {
    return { problem: 'p2pcloud.json is not valid JSON' };
  }
  const m = data as Partial<Manifest> | null;
  if (!m || m.format !== EXPORT_FORMAT || m.version !== 1) return { problem: 'p2pcloud.json is not a p2pcloud export manifest of a known version' };
  const isHistory = (h: unknown) => !!h && typeof (h as RevisionHistory).start === 'number' && Array.isArray((h as RevisionHistory).ids);
  const notesOk = Array.isArray(m.notes) && m.notes.every((n) => typeof n?.id === 'string' && n.id.startsWith('note:') && typeof n.path === 'string' && typeof n.rev === 'string' && typeof n.sha256 === 'string' && isHistory(n.revisions));
  const filesOk = Array.isArray(m.files) && m.files.every((f) => typeof f?.id === 'string' && f.id.startsWith('file:') && typeof f.path === 'string' && typeof f.sha256 === 'string' && Array.isArray(f.chunks) && isHistory(f.revisions));
  if (!notesOk || !filesOk) return { problem: 'p2pcloud.json lists a note or file it does not describe fully' };
  return { manifest: { ...m, skipped: Array.isArray(m.skipped) ? m.skipped : [] } as Manifest };
}

export { NameAllocator };
