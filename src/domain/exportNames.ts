// File names of an export: readable, unique and safe on Windows, macOS and
// Linux, and the checks an import runs on the paths it is handed.

/** Longest name part kept, in UTF-16 units: well inside the 255-byte limit of every common file system, even in UTF-8. */
const MAX_NAME = 80;
/** Names Windows reserves for devices, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** Characters some system forbids in a name: Windows' set, both slashes, and control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

/**
 * A readable file name part for `text` (a note's title, a device name):
 * forbidden characters become `_`, spaces are collapsed, no leading dot
 * (a hidden file) and no trailing dot or space (Windows drops them), never a
 * reserved device name, never empty, at most {@link MAX_NAME} characters.
 * @remarks NFC, so the same title makes the same name on macOS (which stores
 * names decomposed) and elsewhere.
 */
export function safeNamePart(text: string, fallback = 'Untitled'): string {
  let name = text.normalize('NFC').replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim();
  name = name.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
  if ([...name].length > MAX_NAME) name = [...name].slice(0, MAX_NAME).join('');
  name = name.replace(/[. ]+$/, '');
  if (!name) name = fallback;
  if (RESERVED.test(name.split('.')[0] ?? '')) name = `${name}_`;
  return name;
}

/** A folder path made of {@link safeNamePart}s ('' stays ''). */
export function safeFolder(folder: string): string {
  return folder
    .split('/')
    .filter((part) => part.trim() !== '')
    .map((part) => safeNamePart(part, '_'))
    .join('/');
}

/** Splits `photo.final.jpg` into `photo.final` and `.jpg` (no extension: ''). */
export function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1 || name.length - dot > 12) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/**
 * Hands out paths that never collide, also where names differ only in case
 * or Unicode form (macOS and Windows treat those as one file):
 * `Todo.md`, `Todo (2).md`, …
 */
export class NameAllocator {
  private readonly taken = new Set<string>();

  /** Marks a path as used (an unchanged file of an earlier export). */
  reserve(path: string): void {
    this.taken.add(key(path));
  }

  /** Frees a path (its note was renamed or deleted). */
  release(path: string): void {
    this.taken.delete(key(path));
  }

  /**
   * A free path `folder/stem[ (n)]extension`, then taken.
   * @param folder '' or a safe folder path, without a trailing slash.
   */
  claim(folder: string, stem: string, extension: string): string {
    const prefix = folder ? `${folder}/` : '';
    for (let n = 1; ; n += 1) {
      const path = `${prefix}${stem}${n === 1 ? '' : ` (${n})`}${extension}`;
      if (!this.taken.has(key(path))) {
        this.taken.add(key(path));
        return path;
      }
    }
  }
}

const key = (path: string) => path.normalize('NFC').toLowerCase();

/** Why an entry's path was refused; undefined when it is safe to use. */
export type PathProblem = 'absolute' | 'parent' | 'empty';

/**
 * Normalises a path from an archive or a dropped folder: backslashes as
 * slashes, `.` and empty segments dropped, NFC.
 * @returns the path, or the reason it is refused: absolute (`/x`, `C:\x`,
 * `\\server\x`) or climbing out (`..`). Never "repaired": an archive that
 * tries either is not trusted to say where its files go.
 */
export function checkEntryPath(raw: string): { path: string } | { problem: PathProblem } {
  const slashed = raw.replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[a-zA-Z]:/.test(slashed)) return { problem: 'absolute' };
  const parts = slashed.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..')) return { problem: 'parent' };
  if (parts.length === 0) return { problem: 'empty' };
  return { path: parts.join('/').normalize('NFC') };
}

/** Decodes a name as UTF-8, or undefined when its bytes are not valid UTF-8. */
export function decodeUtf8Name(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
