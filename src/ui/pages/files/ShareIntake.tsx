import { useCallback, useEffect, useRef, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { formatSize, type AddProgress } from '../../../domain/file';
import {
  hasSharedText,
  noteFromShare,
  openShareInbox,
  readShareLanding,
  shareErrorMessage,
  withoutShareParams,
  type StagedShare,
} from '../../../pwa/shareTarget';
import { FileError } from '../../../storage/files';
import { makeThumbnail } from './thumbnail';

interface SharedFileState {
  name: string;
  progress: AddProgress;
  state: 'waiting' | 'adding' | 'done' | 'failed';
  error?: string;
}

/** One share as shown: its staged record (gone once fully handled) and what happened to each file. */
interface ShareView {
  id: string;
  share?: StagedShare;
  files: SharedFileState[];
  isRunning: boolean;
  message?: string;
  /** Title of the note a shared text became. */
  savedNote?: string;
  error?: string;
}

const waiting = (file: File): SharedFileState => ({
  name: file.name || 'unnamed',
  progress: { bytesHashed: 0, bytesWritten: 0, total: file.size },
  state: 'waiting',
});

const toView = (share: StagedShare): ShareView => ({ id: share.id, share, files: share.files.map(waiting), isRunning: false });

/**
 * Runs `work` unless another tab is already handling this share, so two
 * open tabs never add the same shared file twice.
 * @returns false when another tab holds the share.
 */
async function exclusively(id: string, work: () => Promise<void>): Promise<boolean> {
  if (!navigator.locks) {
    await work();
    return true;
  }
  return navigator.locks.request(`p2pcloud-share:${id}`, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await work();
    return true;
  });
}

/**
 * Picks up what was shared to the installed app (Web Share Target, staged by
 * the service worker; see {@link openShareInbox}) and adds it through the
 * FilesStore, with progress. Staged copies are deleted only once added, so a
 * failure keeps them for Try again or Discard. A shared text or link with no
 * file becomes a note; one that came with files waits for the person to decide.
 */
export function ShareIntake({ folder }: { folder: string }) {
  const { files: store, notes, logger } = useServices();
  const [inbox] = useState(() => openShareInbox());
  const [landing] = useState(() => readShareLanding(window.location.search));
  const [views, setViews] = useState<ShareView[]>([]);
  const [notice, setNotice] = useState<string | undefined>(landing.error && shareErrorMessage(landing.error));
  const started = useRef(false);

  const patch = useCallback((id: string, change: (view: ShareView) => ShareView) => {
    setViews((list) => list.map((v) => (v.id === id ? change(v) : v)));
  }, []);
  const patchFile = useCallback(
    (id: string, index: number, change: Partial<SharedFileState>) =>
      patch(id, (v) => ({ ...v, files: v.files.map((f, i) => (i === index ? { ...f, ...change } : f)) })),
    [patch],
  );

  const saveNote = useCallback(
    async (share: StagedShare): Promise<string | undefined> => {
      const draft = noteFromShare(share);
      if (!draft) return undefined;
      await notes.create(draft);
      return draft.title;
    },
    [notes],
  );

  /** Adds every staged file of the share, one at a time, deleting each staged copy once it is in PouchDB. */
  const addFiles = useCallback(
    async (id: string, isLanding: boolean) => {
      const share = await inbox.get(id);
      if (!share) {
        patch(id, (v) => ({ ...v, share: undefined, error: 'These shared files are no longer waiting here; another tab may have added them.' }));
        return;
      }
      patch(id, (v) => ({ ...v, share, files: share.files.map(waiting), isRunning: true, error: undefined }));
      let remaining = share.files;
      for (const [index, file] of share.files.entries()) {
        patchFile(id, index, { state: 'adding' });
        try {
          const thumbnail = await makeThumbnail(file).catch(() => undefined);
          await store.add({ file, folder, ...(thumbnail ? { thumbnail } : {}), onProgress: (p) => patchFile(id, index, { progress: p }) });
        } catch (err) {
          const error = err instanceof FileError ? err.message : `Adding “${file.name}” failed: ${String(err)}`;
          if (!(err instanceof FileError)) logger.error('adding a shared file failed', String(err));
          patchFile(id, index, { state: 'failed', error });
          continue;
        }
        patchFile(id, index, { state: 'done' });
        remaining = remaining.filter((f) => f !== file);
        // Only now is the staged copy redundant, and a retry skips it. Should
        // this write fail, the share's final update or removal below still
        // drops the file; it was added, so it is not reported as failed.
        await inbox.put({ ...share, files: remaining }).catch((err: unknown) => logger.warn('updating a staged share failed', String(err)));
      }
      const left = { ...share, files: remaining };
      const done = (change: Partial<ShareView>) => patch(id, (v) => ({ ...v, share: left, isRunning: false, ...change }));
      if (remaining.length) return done({});
      if (!share.files.length) {
        // Text or a link shared alone: what a person expects is a note. One
        // left from an earlier visit waits for Save as a note instead.
        if (!isLanding) return done({});
        const title = await saveNote(left);
        await inbox.remove(id);
        return done({ share: undefined, ...(title === undefined ? {} : { savedNote: title }) });
      }
      const message = `Added ${share.files.length === 1 ? 'the shared file' : `all ${share.files.length} shared files`}.`;
      // Text that came with files is kept (with no files left) until the person decides about it.
      if (hasSharedText(left)) return done({ message });
      await inbox.remove(id);
      done({ share: undefined, message });
    },
    [folder, inbox, logger, patch, patchFile, saveNote, store],
  );

  const intake = useCallback(
    (id: string, isLanding: boolean) => {
      exclusively(id, () => addFiles(id, isLanding))
        .then((ran) => {
          if (!ran) patch(id, (v) => ({ ...v, error: 'These shared files are already being added in another tab.' }));
        })
        .catch((err: unknown) => {
          logger.error('taking in a share failed', String(err));
          patch(id, (v) => ({ ...v, isRunning: false, error: `What was shared could not be taken in: ${String(err)}. It is still kept here.` }));
        });
    },
    [addFiles, logger, patch],
  );

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    if (landing.shareId || landing.error) {
      // Forget the parameters, so a reload does not act on the share again.
      const { pathname, search, hash } = window.location;
      window.history.replaceState(window.history.state, '', `${pathname}${withoutShareParams(search)}${hash}`);
    }
    inbox
      .list()
      .then((shares) => {
        setViews(shares.map(toView));
        if (!landing.shareId) return;
        if (shares.some((s) => s.id === landing.shareId)) intake(landing.shareId, true);
        else setNotice('What you shared is no longer waiting on this device; if it is not in the list below, share it again.');
      })
      .catch((err: unknown) => {
        logger.error('reading shared files failed', String(err));
        setNotice(`Files shared to the app could not be read: ${String(err)}.`);
      });
  }, [inbox, intake, landing, logger]);

  const discard = (id: string) => {
    inbox
      .remove(id)
      .then(() => setViews((list) => list.filter((v) => v.id !== id)))
      .catch((err: unknown) => patch(id, (v) => ({ ...v, error: `Could not discard: ${String(err)}` })));
  };
  const keepAsNote = (view: ShareView) => {
    const share = view.share;
    if (!share) return;
    saveNote(share)
      .then(async (title) => {
        await inbox.remove(share.id);
        patch(view.id, (v) => ({ ...v, share: undefined, ...(title === undefined ? {} : { savedNote: title }) }));
      })
      .catch((err: unknown) => patch(view.id, (v) => ({ ...v, error: `Could not save the note: ${String(err)}` })));
  };

  if (!notice && views.length === 0) return null;
  return (
    <section className="share-intake" aria-label="Shared with p2pcloud">
      {notice && <p className="error" role="alert">{notice}</p>}
      {views.map((view) => (
        <ShareCard key={view.id} view={view} onAdd={() => intake(view.id, false)} onDiscard={() => discard(view.id)}
          onKeepAsNote={() => keepAsNote(view)} onDismiss={() => setViews((list) => list.filter((v) => v.id !== view.id))} />
      ))}
    </section>
  );
}

function ShareCard({ view, onAdd, onDiscard, onKeepAsNote, onDismiss }: {
  view: ShareView;
  onAdd: () => void;
  onDiscard: () => void;
  onKeepAsNote: () => void;
  onDismiss: () => void;
}) {
  const waitingFiles = view.share?.files.length ?? 0;
  const hasTriedAll = view.files.length > 0 && view.files.every((f) => f.state === 'done' || f.state === 'failed');
  const textLeft = view.share && !waitingFiles && hasSharedText(view.share) ? view.share : undefined;
  return (
    <div className="notice" data-testid="share" aria-label="Shared item">
      {view.files.length > 0 && (
        <ul className="upload-list" aria-label="Shared files">
          {view.files.map((f, i) => (
            <li key={i} data-testid="shared-file" aria-label={f.name}>
              <span className="file-name">{f.name}</span>
              <progress max={f.progress.total || 1} value={f.state === 'done' ? f.progress.total || 1 : f.progress.bytesWritten}
                aria-label={`Adding ${f.name}`} />
              <span className="hint" data-testid="shared-file-state">{describe(f)}</span>
              {f.error && <span className="error" role="alert">{f.error}</span>}
            </li>
          ))}
        </ul>
      )}
      {view.error && <p className="error" role="alert">{view.error}</p>}
      {view.message && <p data-testid="share-message">{view.message}</p>}
      {view.savedNote !== undefined && (
        <p data-testid="share-message">
          Saved what you shared as a new note, “{view.savedNote}”. <a href="#/">Open Notes</a>
        </p>
      )}
      {!view.isRunning && waitingFiles > 0 && (
        <p>
          {hasTriedAll ? `${waitingFiles} shared ${waitingFiles === 1 ? 'file was' : 'files were'} not added; they are kept until you try again or discard them. `
            : `${waitingFiles} shared ${waitingFiles === 1 ? 'file is' : 'files are'} waiting to be added. `}
          <button type="button" className="primary" onClick={onAdd}>{hasTriedAll ? 'Try again' : 'Add to Files'}</button>{' '}
          <button type="button" onClick={onDiscard}>Discard</button>
        </p>
      )}
      {!view.isRunning && textLeft && (
        <div>
          <p>Also shared:</p>
          <blockquote className="detail" data-testid="shared-text" style={{ whiteSpace: 'pre-wrap' }}>{[textLeft.title, textLeft.text, textLeft.url].filter(Boolean).join('\n')}</blockquote>
          <button type="button" className="primary" onClick={onKeepAsNote}>Save as a note</button>{' '}
          <button type="button" onClick={onDiscard}>Discard text</button>
        </div>
      )}
      {!view.isRunning && !view.share && <button type="button" onClick={onDismiss}>Dismiss</button>}
    </div>
  );
}

function describe(f: SharedFileState): string {
  const { bytesHashed, bytesWritten, total } = f.progress;
  if (f.state === 'waiting') return 'Waiting';
  if (f.state === 'failed') return 'Not added';
  if (f.state === 'done') return `Added (${formatSize(total)})`;
  return `Hashed ${formatSize(bytesHashed)}, saved ${formatSize(bytesWritten)} of ${formatSize(total)}`;
}
