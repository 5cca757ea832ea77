import { lineDiff } from '../../../domain/lineDiff';
import type { NoteVersion } from '../../../storage/conflicts';

/** When and where a version was written, in words. */
export function versionByline(version: NoteVersion): string {
  const when = version.updatedAt ? new Date(version.updatedAt).toLocaleString() : 'an unknown time';
  return `${version.isDeleted ? 'Deleted' : 'Edited'} on ${version.updatedBy}, ${when}`;
}

/** One competing version, with the lines that differ from `other` highlighted. */
export function VersionColumn({
  version,
  other,
  onKeep,
  isBusy,
}: {
  version: NoteVersion;
  other?: NoteVersion;
  onKeep: () => void;
  isBusy: boolean;
}) {
  const ops = other ? lineDiff(other.body, version.body).filter((op) => op.kind !== 'removed') : undefined;
  return (
    <section className="version" aria-label={`Version from ${version.updatedBy}`} data-testid="conflict-version">
      <p className="byline">{versionByline(version)}</p>
      <h3>{version.title || 'Untitled'}</h3>
      <pre className="version-body">
        {ops
          ? ops.map((op, i) => (
              <span key={i} className={op.kind === 'added' ? 'diff-added' : undefined}>
                {op.text}
                {'\n'}
              </span>
            ))
          : version.body}
      </pre>
      <button type="button" onClick={onKeep} disabled={isBusy}>
        Keep this version
      </button>
    </section>
  );
}
