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

/** Prefix of the replicated documents that make up the mesh's peer list. */
export const PEER_ID_PREFIX = 'peer:';

/**
 * A peer's id, derived from its database URL (without credentials).
 * @remarks Deterministic, so two devices adding the same peer at once write
 * the same document instead of listing the peer twice.
 */
export function peerIdFor(url: string): PeerId {
  return `${PEER_ID_PREFIX}${url}` as PeerId;
}

export function isNoteId(id: string): id is NoteId {
  return id.startsWith(NOTE_ID_PREFIX);
}
