import type { ImportSummary } from '../../../storage/importArchive';
import type { ImportProgressState } from '../../hooks/useImport';

/** An import's progress (with Cancel), its summary, or why it failed. */
export function ImportState({ importing, onCancel }: { importing: ImportProgressState; onCancel: () => void }) {
  if (importing.kind === 'running') {
    return (
      <div data-testid="import-progress">
        <progress aria-label="Import progress" max={Math.max(1, importing.total)} value={importing.done} /> {importing.done} of {importing.total}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    );
  }
  if (importing.kind === 'done') return <ImportResult summary={importing.summary} />;
  if (importing.kind === 'failed') {
    return (
      <p role="alert" data-testid="import-result">
        {importing.message}
      </p>
    );
  }
  return null;
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
