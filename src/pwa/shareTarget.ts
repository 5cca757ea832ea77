// Shares staged by the service worker (public/share-target-sw.js): files,
// text and links the operating system shared to the installed app. They wait
// in IndexedDB (database `p2pcloud-share`, store `shares`, one record per
// share) until the app has added them to PouchDB; this module reads, updates
// and deletes those records. Nothing here syncs: staging is per device.
import type { NoteDraft } from '../domain/note';

/** Where shares are staged and how the landing URL names them; the worker script uses the same values. */
export const SHARE_STAGING = {
  dbName: 'p2pcloud-share',
  dbVersion: 1,
  store: 'shares',
  shareParam: 'share',
  errorParam: 'share-error',
} as const;

/** Why the service worker could not stage a share. */
export type ShareErrorCode = 'storage-full' | 'unreadable' | 'not-stored' | 'empty';

/** One staged share. `files` shrinks as files are added, so a retry never adds one twice. */
export interface StagedShare {
  id: string;
  receivedAt: string;
  title: string;
  text: string;
  url: string;
  files: File[];
}

/** What the landing URL (`?share=<id>` or `?share-error=<code>`, then `#/files`) says. */
export interface ShareLanding {
  shareId?: string;
  error?: ShareErrorCode;
}

const ERROR_CODES: readonly ShareErrorCode[] = ['storage-full', 'unreadable', 'not-stored', 'empty'];

/** Reads the landing URL's search part; anything unknown is ignored. */
export function readShareLanding(search: string): ShareLanding {
  const params = new URLSearchParams(search);
  const shareId = params.get(SHARE_STAGING.shareParam) ?? '';
  const error = params.get(SHARE_STAGING.errorParam) ?? '';
  return {
    ...(shareId ? { shareId } : {}),
    ...((ERROR_CODES as readonly string[]).includes(error) ? { error: error as ShareErrorCode } : {}),
  };
}

/** The search part without the share parameters, so a reload does not act on the share again. */
export function withoutShareParams(search: string): string {
  const params = new URLSearchParams(search);
  params.delete(SHARE_STAGING.shareParam);
  params.delete(SHARE_STAGING.errorParam);
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/** What to tell a person when the worker could not keep what they shared. */
export function shareErrorMessage(code: ShareErrorCode): string {
  switch (code) {
    case 'storage-full':
      return 'What you shared could not be received: this device has no storage space left for the app. Free some space, then share it again.';
    case 'unreadable':
      return 'What you shared could not be read (the sending app sent something the browser could not decode). Try sharing it again.';
    case 'not-stored':
      return 'What you shared could not be stored on this device. Try sharing it again.';
    case 'empty':
      return 'The share arrived empty: no file, text or link came with it.';
  }
}

/**
 * True when the share carries text or a link worth a decision. A title alone
 * does not count: apps often send one (a subject line) with every file.
 */
export function hasSharedText(share: Pick<StagedShare, 'title' | 'text' | 'url'>): boolean {
  return !!(share.text.trim() || share.url.trim());
}

const TITLE_MAX = 80;

/**
 * The note a shared text or link becomes: the shared title (or the text's
 * first line, or the link) as title; the text, then the link unless the text
 * already holds it, as body.
 * @returns undefined when nothing (no title, text or link) was shared.
 */
export function noteFromShare(share: Pick<StagedShare, 'title' | 'text' | 'url'>): NoteDraft | undefined {
  const text = share.text.trim();
  const url = share.url.trim();
  if (!text && !url && !share.title.trim()) return undefined;
  const firstLine = text.split('\n', 1)[0]?.trim() ?? '';
  const title = share.title.trim() || (firstLine.length > TITLE_MAX ? `${firstLine.slice(0, TITLE_MAX - 1)}…` : firstLine) || url;
  const body = [text, url && !text.includes(url) ? url : ''].filter(Boolean).join('\n\n');
  return { title, body };
}

const str = (value: unknown) => (typeof value === 'string' ? value : '');

/** Reads a staged record defensively: an older worker or a damaged store may hold anything. */
export function toStagedShare(record: unknown): StagedShare | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  if (typeof r['id'] !== 'string' || !r['id']) return undefined;
  const files = Array.isArray(r['files']) ? r['files'].filter((f): f is File => typeof File !== 'undefined' && f instanceof File) : [];
  return { id: r['id'], receivedAt: str(r['receivedAt']), title: str(r['title']), text: str(r['text']), url: str(r['url']), files };
}

/** The staged shares on this device. */
export interface ShareInbox {
  /** Every staged share, oldest first. */
  list(): Promise<StagedShare[]>;
  get(id: string): Promise<StagedShare | undefined>;
  /** Replaces a share's record (after some of its files were added, say). */
  put(share: StagedShare): Promise<void>;
  /** Deletes a share's staged copies. */
  remove(id: string): Promise<void>;
}

function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Opens the staging database (creating it if no share ever arrived), same schema as the worker's. */
function openStaging(factory: IDBFactory): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = factory.open(SHARE_STAGING.dbName, SHARE_STAGING.dbVersion);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(SHARE_STAGING.store)) {
        req.result.createObjectStore(SHARE_STAGING.store, { keyPath: 'id' });
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('could not open the share staging database'));
    req.onblocked = () => reject(new Error('the share staging database is blocked by another tab'));
  });
}

/**
 * The {@link ShareInbox} on IndexedDB.
 * @remarks Opens and closes the database per call: it is used a few times per
 * share, and an open connection would block a future version upgrade by the worker.
 */
export function openShareInbox(factory: IDBFactory = indexedDB): ShareInbox {
  const run = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await openStaging(factory);
    try {
      const tx = db.transaction(SHARE_STAGING.store, mode);
      // A write counts only once its transaction has committed; awaiting both
      // together means neither rejection is left unhandled.
      const committed = new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      });
      const [result] = await Promise.all([settle(work(tx.objectStore(SHARE_STAGING.store))), committed]);
      return result;
    } finally {
      db.close();
    }
  };
  return {
    list: async () => {
      const all = await run('readonly', (store) => store.getAll());
      return all
        .flatMap((r) => toStagedShare(r) ?? [])
        .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },
    get: async (id) => toStagedShare(await run('readonly', (store) => store.get(id))),
    put: async (share) => {
      await run('readwrite', (store) => store.put(share));
    },
    remove: async (id) => {
      await run('readwrite', (store) => store.delete(id));
    },
  };
}
