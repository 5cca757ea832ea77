/** Branded identifiers, so a peer id can never be passed where a note id is expected. */
export type NoteId = string & { readonly __noteId: true };
export type PeerId = string & { readonly __peerId: true };

/** Prefix of every note document's `_id`; documents are typed by their id. */
export const NOTE_ID_PREFIX = 'note:';

/**
 * 128 random bits as 32 hex digits.
 * @remarks Not `crypto.randomUUID()`: that exists only in secure contexts, and
 * the app must still work when opened over plain http on a home network.
 */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** A fresh, random note id (`note:<random>`). */
export function newNoteId(): NoteId {
  return `${NOTE_ID_PREFIX}${randomId()}` as NoteId;
}

/** A fresh, random peer id. Peer ids are local to a device and never replicated. */
export function newPeerId(): PeerId {
  return `peer:${randomId()}` as PeerId;
}

export function isNoteId(id: string): id is NoteId {
  return id.startsWith(NOTE_ID_PREFIX);
}
