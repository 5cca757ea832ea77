import { useEffect, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { combineFileChanges, type FileEntry } from '../../../domain/file';
import type { FileConflict, FileVersion } from '../../../storage/fileConflicts';

type Loaded = { conflict?: FileConflict; isLoading: boolean; error?: Error };

/**
 * The file's competing versions, read again whenever the listed file changes
 * (the list reloads whenever a file document is written here or arrives).
 */
function useFileConflict(file: FileEntry): Loaded {
  const { fileConflicts } = useServices();
  const [state, setState] = useState<Loaded>({ isLoading: true });
  useEffect(() => {
    let isCurrent = true;
    fileConflicts
      .load(file.id)
      .then((conflict) => isCurrent && setState({ conflict, isLoading: false }))
      .catch((error: unknown) => isCurrent && setState({ isLoading: false, error: error as Error }));
    return () => {
      isCurrent = false;
    };
  }, [fileConflicts, file]);
  return state;
}

/** When and where a version was written, in words. */
export function fileVersionByline(version: FileVersion): string {
  const when = version.updatedAt ? new Date(version.updatedAt).toLocaleString() : 'an unknown time';
  return `${version.isDeleted ? 'Deleted' : 'Changed'} on ${version.updatedBy}, ${when}`;
}

/**
 * Settles a file changed on two devices at once: its versions (name, folder,
 * device, time) with "Keep this one" (or "Keep both changes" when one renamed
 * and the other moved), and a deletion from another device with "Keep it" or
 * "Delete everywhere". Only the name and folder are chosen; the
 * content is the same in every version.
 */
export function FileConflictPanel({ file, onDone }: { file: FileEntry; onDone: () => void }) {
  const { fileConflicts, logger } = useServices();
  const { conflict, isLoading, error } = useFileConflict(file);
  const [isBusy, setIsBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  if (isLoading) return <p className="hint">Loading versions…</p>;
  if (error) return <p className="error" role="alert">Could not read the versions: {error.message}</p>;
  if (!conflict) {
    return (
      <div className="notice ok" role="status">
        No competing versions left. <button type="button" onClick={onDone}>Close</button>
      </div>
    );
  }
  const run = (work: () => Promise<void>) => {
    setIsBusy(true);
    setProblem(undefined);
    work()
      .then(onDone)
      .catch((err: unknown) => {
        setProblem(err instanceof Error ? err.message : String(err));
        logger.warn('resolving a file conflict failed', String(err));
      })
      .finally(() => setIsBusy(false));
  };
  const versions = [conflict.winner, ...conflict.others];
  const combined = conflict.base && versions.length > 1 ? combineFileChanges(conflict.base, versions) : undefined;
  return (
    <section className="resolver" aria-label={`Versions of ${file.name}`} data-testid="file-conflict-panel">
      {conflict.deletions.map((d) => (
        <div key={d.rev} className="notice problem" data-testid="file-deletion">
          {fileVersionByline(d)}, while it was renamed or moved elsewhere. The file was kept.
          {versions.length > 1 && ' To keep it, choose one of its versions below.'}
          <div className="file-actions">
            {/* With competing versions, keeping means choosing one of them: "Keep it" would silently pick the winner's name. */}
            {versions.length === 1 && (
              <button type="button" disabled={isBusy} onClick={() => run(() => fileConflicts.keep(conflict, conflict.winner))}>
                Keep it
              </button>
            )}
            <button type="button" className="danger" disabled={isBusy} onClick={() => run(() => fileConflicts.acceptDeletion(conflict))}>
              Delete everywhere
            </button>
          </div>
        </div>
      ))}
      {versions.length > 1 && (
        <div className="versions">
          {versions.map((v) => (
            <section key={v.rev} className="version" aria-label={`Version from ${v.updatedBy}`} data-testid="file-version">
              <p className="byline">{fileVersionByline(v)}</p>
              <p data-testid="file-version-name">{v.name}</p>
              <p className="hint">{v.folder ? `in ${v.folder}` : 'at the top level'}</p>
              <button type="button" disabled={isBusy} onClick={() => run(() => fileConflicts.keep(conflict, v))}>
                Keep this one
              </button>
            </section>
          ))}
        </div>
      )}
      {combined && (
        <div className="notice ok" data-testid="file-combined">
          Both changes together: “{combined.name}” {combined.folder ? `in ${combined.folder}` : 'at the top level'}.{' '}
          <button type="button" disabled={isBusy} onClick={() => run(() => fileConflicts.keep(conflict, combined))}>
            Keep both changes
          </button>
        </div>
      )}
      <button type="button" onClick={onDone}>Not now</button>
      {problem && <p className="error" role="alert">{problem}</p>}
    </section>
  );
}
