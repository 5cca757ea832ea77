// Remembers, in memory for the life of the page, whether this tab has read a
// document written by a newer version of the app (domain/schema.ts).

/**
 * Tells the UI that this build met a document of a newer schema, so that it
 * offers the update (ui/UpdatePrompt.tsx).
 * @remarks The stores call {@link SchemaNotices.noteNewer} whenever they
 * read or refuse to write such a document; it is idempotent.
 */
export class SchemaNotices {
  private hasNewer = false;
  private readonly listeners = new Set<() => void>();

  /** Called by a store that read or refused to write a newer document. */
  noteNewer = (): void => {
    if (this.hasNewer) return;
    this.hasNewer = true;
    for (const listener of this.listeners) listener();
  };

  /** True once any newer document was met. */
  hasSeenNewer = (): boolean => this.hasNewer;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
