#!/usr/bin/env node
// npm run export -- <peer database URL> <folder>
//
// Writes everything a peer database holds into a folder, in the layout of the
// app's export (notes/<title>.md with front matter, files/<folder>/<name>,
// p2pcloud.json), with no browser. Incremental: p2pcloud.json remembers the
// peer's changes-feed position, and the next run reads only what changed
// since, rewriting only those notes and files. Meant for a cron line on a Pi.
//
// The URL may carry user:password@; it is never printed, logged or written.
// The layout code is the app's own (src/domain/exportManifest.ts), loaded
// through Vite's module runner so there is one definition of it.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PAGE = 500;

/** @param {string} text */
const redact = (text) => text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');

/**
 * The peer's address without credentials, and the Authorization header they make.
 * @param {string} input
 */
function parsePeer(input) {
  let url;
  try {
    url = new URL(input);
  } catch {
    throw new Error('the first argument is not a URL (expected e.g. http://user:password@pi.local:5984/notes)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the peer address must start with http:// or https://');
  const auth = url.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`
    : undefined;
  const db = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  if (db === `${url.protocol}//${url.host}`) throw new Error('the peer address needs a database name (…:5984/notes)');
  return { db, auth };
}

/** A small client of the CouchDB API the export needs. */
function couch(db, auth) {
  const request = async (path, init = {}) => {
    const res = await fetch(`${db}${path}`, {
      ...init,
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}), ...init.headers },
    });
    if (!res.ok && res.status !== 404) {
      const why = res.status === 401 || res.status === 403 ? 'the peer refused the name and password' : `the peer answered ${res.status}`;
      throw new Error(`${why} (${path.split('?')[0] || '/'})`);
    }
    return res;
  };
  const json = async (path, init) => {
    const res = await request(path, init);
    if (res.status === 404) throw new Error('the peer has no such database');
    return res.json();
  };
  return { request, json };
}

/** Reads the previous run's manifest, if any. */
async function previousManifest(layout, folder) {
  try {
    const parsed = layout.parseManifest(await readFile(join(folder, layout.MANIFEST_PATH), 'utf8'));
    return 'manifest' in parsed ? parsed.manifest : undefined;
  } catch {
    return undefined;
  }
}

/** Note and file ids changed since `since`, and the feed's new position. */
async function changedSince(api, since) {
  const ids = new Set();
  let at = since;
  for (;;) {
    const res = await api.json(`/_changes?since=${encodeURIComponent(at)}&limit=${PAGE}&style=all_docs`);
    for (const change of res.results) if (/^(note|file):/.test(change.id)) ids.add(change.id);
    at = res.last_seq;
    if (res.results.length < PAGE) return { ids: [...ids], lastSeq: at };
  }
}

/** The current version (and competing versions) of each id, with histories; a deleted or missing id is absent. */
async function currentVersions(api, ids) {
  const out = new Map();
  for (let i = 0; i < ids.length; i += PAGE) {
    const keys = ids.slice(i, i + PAGE);
    const all = await api.json('/_all_docs?include_docs=true&conflicts=true', { method: 'POST', body: JSON.stringify({ keys }) });
    const wanted = [];
    for (const row of all.rows) {
      if (!row.doc) continue;
      wanted.push({ id: row.id, rev: row.doc._rev });
      for (const rev of row.doc._conflicts ?? []) wanted.push({ id: row.id, rev });
    }
    if (wanted.length === 0) continue;
    const got = await api.json('/_bulk_get?revs=true', { method: 'POST', body: JSON.stringify({ docs: wanted }) });
    for (const result of got.results) {
      for (const d of result.docs) {
        if (!d.ok) continue;
        const versions = out.get(result.id) ?? [];
        versions.push(d.ok);
        out.set(result.id, versions);
      }
    }
  }
  return out;
}

/** Writes text atomically: a reader never sees half a note. */
async function writeAtomic(path, content) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(`${path}.part`, content);
  await rename(`${path}.part`, path);
}

/** Downloads a file part by part into `path`, checking its SHA-256; false when a part is missing. */
async function downloadFile(api, file, path) {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(`${path}.part`, 'w');
  const whole = createHash('sha256');
  try {
    for (const hash of file.chunks) {
      const res = await api.request(`/${encodeURIComponent(`chunk:${hash}`)}/data`);
      if (res.status === 404) return `a part of it is missing on the peer`;
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (createHash('sha256').update(bytes).digest('hex') !== hash) return 'a part of it on the peer does not match its hash';
      whole.update(bytes);
      await handle.write(bytes);
    }
  } finally {
    await handle.close();
  }
  if (whole.digest('hex') !== file.sha256) return 'its content does not match its SHA-256';
  await rename(`${path}.part`, path);
  return undefined;
}

/** Removes a file written by an earlier run, and its folder when that is left empty. */
async function remove(folder, path) {
  await rm(join(folder, path), { force: true });
  await rmdir(dirname(join(folder, path))).catch(() => undefined);
}

/**
 * Brings `folder` up to date with the peer database `url`.
 * @returns counts of what was written, left, removed and skipped.
 */
export async function exportToFolder(url, folder) {
  const { module: layout } = await runnerImport(join(root, 'src/domain/exportManifest.ts'));
  const { module: files } = await runnerImport(join(root, 'src/storage/files.ts'));
  const { db, auth } = parsePeer(url);
  const api = couch(db, auth);
  const before = await previousManifest(layout, folder);
  const changes = await changedSince(api, before?.since ?? 0);
  const { lastSeq } = changes;
  // What could not be written last time (a file whose parts had not all reached the peer) is tried again.
  const ids = [...new Set([...changes.ids, ...(before?.skipped ?? []).map((s) => s.id)])];
  const changed = new Set(ids);
  const names = new layout.NameAllocator();
  const keptNotes = (before?.notes ?? []).filter((n) => !changed.has(n.id));
  const keptFiles = (before?.files ?? []).filter((f) => !changed.has(f.id));
  for (const entry of [...keptNotes, ...keptFiles]) names.reserve(entry.path);
  const oldPaths = new Map();
  for (const entry of [...(before?.notes ?? []), ...(before?.files ?? [])]) {
    if (changed.has(entry.id)) oldPaths.set(entry.id, [...(oldPaths.get(entry.id) ?? []), entry]);
  }
  const counts = { notesWritten: 0, notesUnchanged: keptNotes.length, filesWritten: 0, filesUnchanged: keptFiles.length, removed: 0, skipped: [] };
  const versions = await currentVersions(api, ids);
  const manifest = { format: layout.EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), source: db, since: lastSeq, notes: [...keptNotes], files: [...keptFiles], skipped: [] };
  const written = new Set();
  for (const id of ids.sort()) {
    const docs = versions.get(id) ?? [];
    if (id.startsWith('note:')) {
      for (const [i, doc] of docs.entries()) {
        const { path, text, entry } = layout.noteFile(layout.noteVersionOf(doc, i > 0), names);
        const previous = oldPaths.get(id)?.find((e) => e.path === path && e.sha256 === entry.sha256);
        if (!previous) await writeAtomic(join(folder, path), text);
        written.add(path);
        manifest.notes.push(entry);
        counts.notesWritten += previous ? 0 : 1;
        counts.notesUnchanged += previous ? 1 : 0;
      }
    } else if (docs[0]) {
      const file = files.toStoredFile(docs[0]);
      const path = layout.filePath(file, names);
      const previous = oldPaths.get(id)?.find((e) => e.sha256 === file.sha256);
      const problem = previous
        ? await rename(join(folder, previous.path), join(folder, path)).then(() => undefined, () => downloadFile(api, file, join(folder, path)))
        : await downloadFile(api, file, join(folder, path));
      if (problem) {
        await rm(join(folder, `${path}.part`), { force: true });
        counts.skipped.push({ id, reason: `“${file.name}”: ${problem}` });
        manifest.skipped.push({ id, reason: problem });
        // The copy an earlier run wrote stays until the new version can be written whole.
        for (const old of oldPaths.get(id) ?? []) {
          written.add(old.path);
          manifest.files.push(old);
        }
        continue;
      }
      written.add(path);
      manifest.files.push({
        id, rev: file.rev, path, sha256: file.sha256, size: file.size, name: file.name, folder: file.folder, mimeType: file.mimeType,
        chunks: file.chunks, addedAt: file.addedAt, addedBy: file.addedBy, updatedAt: file.updatedAt, updatedBy: file.updatedBy,
        schemaVersion: typeof docs[0].schemaVersion === 'number' ? docs[0].schemaVersion : 1, revisions: layout.historyOf(docs[0]),
      });
      counts.filesWritten += 1;
    }
  }
  for (const entries of oldPaths.values()) {
    for (const entry of entries) {
      if (written.has(entry.path)) continue;
      await remove(folder, entry.path).catch(() => undefined);
      counts.removed += 1;
    }
  }
  await writeAtomic(join(folder, layout.MANIFEST_PATH), JSON.stringify(manifest, null, 1));
  return { ...counts, source: db };
}

async function main() {
  const [url, folder] = process.argv.slice(2);
  if (!url || !folder) {
    console.error('usage: npm run export -- <peer database URL> <folder>');
    process.exit(2);
  }
  try {
    const r = await exportToFolder(url, resolve(folder));
    console.log(
      `Exported ${r.source} to ${folder}: notes ${r.notesWritten} written, ${r.notesUnchanged} unchanged; ` +
        `files ${r.filesWritten} written, ${r.filesUnchanged} unchanged; ${r.removed} removed.`,
    );
    for (const s of r.skipped) console.log(`Skipped ${s.id}: ${s.reason}`);
  } catch (err) {
    // Whatever went wrong, the password in the address stays out of the message.
    console.error(`Export failed: ${redact(err instanceof Error ? `${err.message}${err.cause ? ` (${err.cause.message ?? err.cause})` : ''}` : String(err))}`);
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
