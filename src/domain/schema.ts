/**
 * Schema versions of stored documents, and the gate that keeps a build from
 * writing over what a newer build wrote.
 * @remarks The app never reloads by itself, so a tab of the previous version
 * can stay open for days beside a newer one (another tab, another device).
 * Were it to save a note written by the newer version, it would rewrite it
 * in its own, older shape, and that downgrade would replicate everywhere.
 * So a build reads such a document but never writes it: see
 * {@link NewerSchemaError} and storage/notes.ts.
 */

/** The schema version a document says it has; 0 when it says none (older documents, other tools). */
export function schemaOf(doc: Readonly<Record<string, unknown>>): number {
  const version = doc['schemaVersion'];
  return typeof version === 'number' && Number.isFinite(version) ? version : 0;
}

/** True when `doc` was written by a build that knows a newer schema than `known`. */
export function isNewerSchema(doc: Readonly<Record<string, unknown>>, known: number): boolean {
  return schemaOf(doc) > known;
}

/** Thrown instead of writing over a document of a newer schema than this build knows. */
export class NewerSchemaError extends Error {
  override readonly name = 'NewerSchemaError';
  constructor(
    readonly id: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`${id} has schema ${found}; this version of the app knows ${known} and does not write it`);
  }
}

/**
 * Throws {@link NewerSchemaError} when `doc` has a newer schema than `known`.
 * @param onNewer told first, so the app can offer the update that knows it.
 */
export function assertWritable(doc: Readonly<Record<string, unknown>>, known: number, onNewer?: () => void): void {
  if (!isNewerSchema(doc, known)) return;
  onNewer?.();
  const id = doc['_id'];
  throw new NewerSchemaError(typeof id === 'string' ? id : '', schemaOf(doc), known);
}
