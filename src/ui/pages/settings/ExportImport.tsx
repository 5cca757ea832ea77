import { useRef, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { formatSize } from '../../../domain/file';
import type { ExportProgress } from '../../../storage/exportArchive';
import { saveFile } from '../files/saveFile';
import { ImportState } from './ImportState';
import { useImport } from '../../hooks/useImport';

type ExportState =
  | { kind: 'idle' }
  | { kind: 'running'; progress?: ExportProgress }
  | { kind: 'done'; notes: number; files: number; size: number; skipped: { id: string; reason: string }[] }
  | { kind: 'stopped'; message: string };

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const isAbort = (err: unknown) => (err as { name?: string })?.name === 'AbortError';
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Settings → Export and import: everything as one zip of plain files, and
 * back. The zip and import code is loaded only when used.
 */
export function ExportImport() {
  const { db } = useServices();
  const [exporting, setExporting] = useState<ExportState>({ kind: 'idle' });
  const { importing, runImport, cancelImport } = useImport();
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
      <ImportState importing={importing} onCancel={cancelImport} />
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
