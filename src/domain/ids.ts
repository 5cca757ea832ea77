/** Branded identifiers, so a peer id can never be passed where a note id is expected. */
export type NoteId = string & { readonly __noteId: true };
export type PeerId = string & { readonly __peerId: true };

/** Prefix of every note document's `_id`; documents are typed by their id. */
export const NOTE_ID_PREFIX = 'note:';

/** A fresh, random note id (`note:<uuid>`). */
export function newNoteId(): NoteId {
  return `${NOTE_ID_PREFIX}${crypto.randomUUID()}` as NoteId;
}

/** A fresh, random peer id. Peer ids are local to a device and never replicated. */
export function newPeerId(): PeerId {
  return `peer:${crypto.randomUUID()}` as PeerId;
}

export function isNoteId(id: string): id is NoteId {
  return id.startsWith(NOTE_ID_PREFIX);
}
