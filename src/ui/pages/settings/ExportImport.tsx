import { useRef, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { formatSize } from '../../../domain/file';
import type { ExportProgress } from '../../../storage/exportArchive';
import type { ImportSummary } from '../../../storage/importArchive';
import { saveFile } from '../files/saveFile';

type ExportState =
  | { kind: 'idle' }
  | { kind: 'running'; progress?: ExportProgress }
  | { kind: 'done'; notes: number; files: number; size: number; skipped: { id: string; reason: string }[] }
  | { kind: 'stopped'; message: string };

type ImportState =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'done'; summary: ImportSummary }
  | { kind: 'failed'; message: string };

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const isAbort = (err: unknown) => (err as { name?: string })?.name === 'AbortError';
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Settings → Export and import: everything as one zip of plain files, and
 * back. The zip and import code is loaded only when used.
 */
export function ExportImport() {
  const { db, deviceName } = useServices();
  const [exporting, setExporting] = useState<ExportState>({ kind: 'idle' });
  const [importing, setImporting] = useState<ImportState>({ kind: 'idle' });
  const abort = useRef<AbortController | undefined>(undefined);

  const runExport = async () => {
    const controller = new AbortController();
    abort.current = controller;
    setExporting({ kind: 'running' });
    try {
      const { exportArchive } = await import('../../../storage/exportArchive');
      const result = await exportArchive(db, { signal: controller.signal, onProgress: (progress) => setExporting({ kind: 'running', progress }) });
      saveFile(result.zip, `p2pcloud-export-${new Date().toISOString().slice(0, 10)}.zip`);
      setExporting({ kind: 'done', notes: result.notes, files: result.files, size: result.zip.size, skipped: result.skipped });
    } catch (err) {
      setExporting({ kind: 'stopped', message: isAbort(err) ? 'Export cancelled; nothing was saved.' : `Export failed: ${message(err)}` });
    } finally {
      abort.current = undefined;
    }
  };

  const runImport = async (picked: File[]) => {
    if (picked.length === 0) return;
    const controller = new AbortController();
    abort.current = controller;
    setImporting({ kind: 'running', done: 0, total: 0 });
    try {
      const { importPicked } = await import('./importPicked');
      const summary = await importPicked(db, picked, {
        deviceName: deviceName.get,
        signal: controller.signal,
        onProgress: (done, total) => setImporting({ kind: 'running', done, total }),
      });
      setImporting({ kind: 'done', summary });
    } catch (err) {
      setImporting({ kind: 'failed', message: message(err) });
    } finally {
      abort.current = undefined;
    }
  };

  const isBusy = exporting.kind === 'running' || importing.kind === 'running';
  return (
    <section aria-label="Export and import">
      <h2>Export and import</h2>
      <p>
        Everything on this device as one zip of plain files: notes as Markdown, files in their folders, and p2pcloud.json so an import
        recognises it.
      </p>
      <button type="button" disabled={isBusy} onClick={() => void runExport()}>
        Export everything
      </button>
      {exporting.kind === 'running' && <ExportRunning progress={exporting.progress} onCancel={() => abort.current?.abort()} />}
      {exporting.kind === 'done' && (
        <div role="status" data-testid="export-result">
          Exported {count(exporting.notes, 'note')} and {count(exporting.files, 'file')} ({formatSize(exporting.size)}).
          {exporting.skipped.map((s) => (
            <p key={s.id}>Left out: {s.reason}.</p>
          ))}
        </div>
      )}
      {exporting.kind === 'stopped' && (
        <p role="status" data-testid="export-result">
          {exporting.message}
        </p>
      )}
      <h3>Import</h3>
      <p>A p2pcloud export, or any zip or folder of .md and .txt files. Nothing here is overwritten: a note changed since becomes a conflict to settle.</p>
      <label className="field">
        Import a zip or Markdown files
        <input type="file" accept=".zip,.md,.markdown,.txt" multiple disabled={isBusy} onChange={(e) => void runImport([...(e.target.files ?? [])])} />
      </label>
      <label className="field">
        Import a folder
        <input type="file" {...{ webkitdirectory: '' }} disabled={isBusy} onChange={(e) => void runImport([...(e.target.files ?? [])])} />
      </label>
      {importing.kind === 'running' && (
        <div data-testid="import-progress">
          <progress aria-label="Import progress" max={Math.max(1, importing.total)} value={importing.done} /> {importing.done} of {importing.total}
          <button type="button" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        </div>
      )}
      {importing.kind === 'done' && <ImportResult summary={importing.summary} />}
      {importing.kind === 'failed' && (
        <p role="alert" data-testid="import-result">
          {importing.message}
        </p>
      )}
    </section>
  );
}

function ExportRunning({ progress, onCancel }: { progress?: ExportProgress; onCancel: () => void }) {
  const p = progress ?? { notesDone: 0, notesTotal: 0, filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 };
  // Notes weigh a kilobyte each against files' bytes: the bar moves with the work.
  const total = p.notesTotal * 1024 + p.bytesTotal;
  const done = p.notesDone * 1024 + p.bytesDone;
  return (
    <div data-testid="export-progress">
      <progress aria-label="Export progress" max={Math.max(1, total)} value={done} />
      <span>
        {' '}
        Notes {p.notesDone} of {p.notesTotal} · files {p.filesDone} of {p.filesTotal} ({formatSize(p.bytesDone)} of {formatSize(p.bytesTotal)})
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}

function ImportResult({ summary }: { summary: ImportSummary }) {
  const { notes, files, skipped, stoppedBy } = summary;
  return (
    <div role="status" data-testid="import-result">
      <p data-testid="import-counts">
        Notes: {notes.added} added, {notes.updated} updated, {notes.unchanged} unchanged
        {notes.conflicts > 0 ? `, ${notes.conflicts} competing with a version here (settle them in Conflicts)` : ''}. Files: {files.added} added,{' '}
        {files.unchanged} unchanged. Skipped: {skipped.length}.
      </p>
      {stoppedBy && <p role="alert">Stopped before the end ({stoppedBy}); what is counted above was imported, nothing after it.</p>}
      {skipped.length > 0 && (
        <ul aria-label="Skipped">
          {skipped.map((s) => (
            <li key={`${s.path}:${s.reason}`}>
              {s.path}: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
