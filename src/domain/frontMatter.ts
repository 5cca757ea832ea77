// A note as a Markdown file: YAML front matter with what identifies the note,
// then its Markdown source exactly as stored.
import { parse, stringify } from 'yaml';

/** What an export writes in a note file's front matter. */
export interface NoteFrontMatter {
  /** The note's document id (`note:…`): how an import recognises the note. */
  id: string;
  title: string;
  created: string;
  updated: string;
  /** The device that made this version. */
  device: string;
  /** The revision this file holds: an edited file is imported as an edit of it. */
  revision: string;
  /** Set on the other versions of a note with unresolved conflicts. */
  conflict?: true;
}

/** The text of a note file: front matter, then the body unchanged. */
export function renderNoteFile(front: NoteFrontMatter, body: string): string {
  // lineWidth 0: a long title stays on one line, as editors show it.
  return `---\n${stringify(front, { lineWidth: 0 })}---\n${body}`;
}

/** A note file read back: its front matter fields (empty without any) and its body. */
export interface ParsedNoteFile {
  data: Record<string, unknown>;
  body: string;
  /** Set when a front matter block was there but was not valid YAML (then kept in the body). */
  problem?: string;
}

const FRONT = /^---[ \t]*\r?\n(?:([\s\S]*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * Splits a Markdown or text file into front matter and body. Front matter is
 * optional (notes from other apps); YAML that is not a mapping, or does not
 * parse, is left in the body rather than lost.
 */
export function parseNoteFile(text: string): ParsedNoteFile {
  const source = text.startsWith('\ufeff') ? text.slice(1) : text;
  const match = FRONT.exec(source);
  if (!match) return { data: {}, body: source };
  let data: unknown;
  try {
    // The core schema: dates stay text, as the app stores them.
    data = parse(match[1] ?? '', { schema: 'core', maxAliasCount: 10 }) ?? {};
  } catch (err) {
    return { data: {}, body: source, problem: err instanceof Error ? err.message : String(err) };
  }
  if (typeof data !== 'object' || Array.isArray(data)) return { data: {}, body: source };
  return { data: data as Record<string, unknown>, body: source.slice(match[0].length) };
}

/** A front matter field as text, or undefined (a date parsed as something else is written back as text). */
export function frontText(data: Record<string, unknown>, field: string): string | undefined {
  const value = data[field];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
