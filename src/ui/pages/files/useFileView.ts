import { SNIFF_BYTES, viewFor, type FileView } from '../../../domain/fileView';
import { useResource } from './useResource';

/** Text files are shown up to this many bytes; the rest is a download away. */
export const TEXT_SHOWN_BYTES = 1_000_000;

/** A file read, checked, and ready to be shown the way {@link viewFor} decided. */
export interface ReadyView {
  state: 'ready';
  view: FileView;
  /** The verified content, as read (for Download). */
  content: Blob;
  /** An object URL of the content retyped to `view.type`; absent for text and for files not shown. */
  url?: string;
  /** The text shown, for `view.kind === 'text'`. */
  text?: string;
  /** True when the text was cut at {@link TEXT_SHOWN_BYTES}. */
  isTruncated?: boolean;
}

/** What reading a file for display came to. */
export type FileViewState = { state: 'loading' } | { state: 'failed'; error: string } | ReadyView;

async function prepare(content: Blob, claimed: { mimeType: string; name: string }): Promise<ReadyView> {
  const head = new Uint8Array(await content.slice(0, SNIFF_BYTES).arrayBuffer());
  const view = viewFor(head, claimed, content.size);
  if (view.kind === 'none') return { state: 'ready', view, content };
  if (view.kind === 'text') {
    const text = await content.slice(0, TEXT_SHOWN_BYTES).text();
    return { state: 'ready', view, content, text, isTruncated: content.size > TEXT_SHOWN_BYTES };
  }
  // The Blob's type is the one decided from the bytes, never the document's claim.
  return { state: 'ready', view, content, url: URL.createObjectURL(new Blob([content], { type: view.type })) };
}

/**
 * Reads a file (verified against its SHA-256 by `load`) and decides how it
 * may be shown; revokes the object URL when `key` changes or the viewer closes.
 * @param key identifies what to load; a new key loads again.
 */
export function useFileView(
  key: string,
  claimed: { mimeType: string; name: string },
  load: () => Promise<Blob>,
): FileViewState {
  const shown = useResource(
    key,
    async () => prepare(await load(), claimed),
    (ready) => ready.url && URL.revokeObjectURL(ready.url),
  );
  return shown.state === 'ready' ? shown.value : shown;
}
