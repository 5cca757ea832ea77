import { useRef, useState } from 'react';
import { useServices } from '../../app/ServicesContext';
import type { ImportSummary } from '../../storage/importArchive';

/** Where an import stands. */
export type ImportProgressState =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'done'; summary: ImportSummary }
  | { kind: 'failed'; message: string };

/**
 * Imports picked or dropped files (a p2pcloud export, a zip or folder of
 * Markdown from elsewhere), used by Settings and by dropping on Notes. The
 * zip and front matter code is loaded only when an import starts.
 */
export function useImport() {
  const { db, deviceName } = useServices();
  const [importing, setImporting] = useState<ImportProgressState>({ kind: 'idle' });
  const abort = useRef<AbortController | undefined>(undefined);
  const runImport = async (picked: File[]) => {
    if (picked.length === 0 || abort.current) return;
    const controller = new AbortController();
    abort.current = controller;
    setImporting({ kind: 'running', done: 0, total: 0 });
    try {
      const { importPicked } = await import('../pages/settings/importPicked');
      const summary = await importPicked(db, picked, {
        deviceName: deviceName.get,
        signal: controller.signal,
        onProgress: (done, total) => setImporting({ kind: 'running', done, total }),
      });
      setImporting({ kind: 'done', summary });
    } catch (err) {
      setImporting({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
    } finally {
      abort.current = undefined;
    }
  };
  return { importing, runImport, cancelImport: () => abort.current?.abort(), dismiss: () => setImporting({ kind: 'idle' }) };
}
