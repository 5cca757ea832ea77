import { useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { NoteId } from '../../../domain/ids';
import type { NoteDraft } from '../../../domain/note';
import { proposeMerge } from '../../../domain/proposeMerge';
import { useConflict } from '../../hooks/useConflict';
import { VersionColumn, versionByline } from './VersionColumn';

/**
 * Resolves a conflicted note: the versions side by side with differences
 * highlighted; keep one, or edit a proposed merge. Also settles an edit made
 * while another device deleted the note.
 */
export function ConflictResolver({ id, onDone }: { id: NoteId; onDone: () => void }) {
  const { conflicts, logger } = useServices();
  const { conflict, isLoading, error } = useConflict(id);
  const [merged, setMerged] = useState<NoteDraft | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  if (isLoading) return <p className="empty">Loading versions…</p>;
  if (error) return <p className="error">Could not read the versions: {error.message}</p>;
  if (!conflict) {
    return (
      <div className="notice ok" role="status">
        No conflict left on this note.{' '}
        <button type="button" onClick={onDone}>
          Back to the note
        </button>
      </div>
    );
  }
  const run = (work: Promise<void>) => {
    setIsBusy(true);
    work
      .then(onDone)
      .catch((err: unknown) => logger.error('resolving failed', String(err)))
      .finally(() => setIsBusy(false));
  };
  const versions = [conflict.winner, ...conflict.others];
  return (
    <section className="resolver" aria-label="Resolve conflict">
      <h2>This note was changed in {versions.length > 1 ? `${versions.length} places at once` : 'one place and deleted in another'}</h2>
      {conflict.deletions.map((d) => (
        <div key={d.rev} className="notice problem" data-testid="deleted-elsewhere">
          {versionByline(d)}, while it was edited here or elsewhere. The edit was kept.
          <div className="peer-actions">
            <button type="button" disabled={isBusy} onClick={() => run(conflicts.resolve(conflict, conflict.winner))}>
              Keep the note
            </button>
            <button type="button" className="danger" disabled={isBusy} onClick={() => run(conflicts.acceptDeletion(conflict))}>
              Delete it everywhere
            </button>
          </div>
        </div>
      ))}
      {versions.length > 1 && (
        <>
          <div className="versions">
            {versions.map((v, i) => (
              <VersionColumn
                key={v.rev}
                version={v}
                other={versions[i === 0 ? 1 : 0]}
                isBusy={isBusy}
                onKeep={() => run(conflicts.resolve(conflict, v))}
              />
            ))}
          </div>
          {merged ? (
            <div className="merge-editor">
              <input aria-label="Merged title" value={merged.title} onChange={(e) => setMerged({ ...merged, title: e.target.value })} />
              <textarea aria-label="Merged body" value={merged.body} onChange={(e) => setMerged({ ...merged, body: e.target.value })} />
              <button type="button" className="primary" disabled={isBusy} onClick={() => run(conflicts.resolve(conflict, merged))}>
                Save merged version
              </button>
            </div>
          ) : (
            <button type="button" disabled={isBusy} onClick={() => setMerged(proposeMerge(conflict.base, versions))}>
              Merge them
            </button>
          )}
        </>
      )}
    </section>
  );
}
