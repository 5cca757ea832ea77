// What the app may show a file as, decided from its bytes. A file's document
// comes from any peer, so its `mimeType` and name are claims, not facts: a
// document saying `image/png` over HTML bytes, or `text/html` over anything,
// must never make the app render markup in its own origin, where a script
// would read every note, file and peer password on this device.

/**
 * How a file is shown inside the app, or `none` when it is only offered for
 * download. Each kind is rendered by an element that runs no script:
 * `<img>` (SVG included: scripts never run in an image), `<video>`,
 * `<audio>`, a PDF frame, or text in a `<pre>`.
 */
export type ViewKind = 'image' | 'svg' | 'pdf' | 'audio' | 'video' | 'text' | 'none';

/** The decision: how to show it, and the type to give the Blob that shows it. */
export interface FileView {
  kind: ViewKind;
  /** The MIME type the shown Blob gets: from the bytes and the allow-list, never copied from the document. */
  type: string;
  /** What the file was recognised as, for the message when it is not shown ("an HTML page"). */
  label: string;
  /** True for markup that would run script if the browser rendered it as a page (HTML, XHTML, XML). */
  isActiveContent?: boolean;
}

/** How many leading bytes {@link viewFor} looks at. */
export const SNIFF_BYTES = 512;

const NOT_SHOWN: FileView = { kind: 'none', type: 'application/octet-stream', label: 'this kind of file' };
const HTML: FileView = { ...NOT_SHOWN, label: 'an HTML page', isActiveContent: true };

/** Claimed types whose bytes, when they are valid text, are shown as plain text. */
const TEXT_TYPES = /^(text\/(plain|markdown|x-markdown|csv|tab-separated-values|x-log)|application\/(json|x-ndjson))$/;
const TEXT_EXTENSIONS = /\.(txt|text|md|markdown|csv|tsv|log|json|ndjson)$/i;

const ascii = (head: Uint8Array, at: number, text: string) =>
  head.length >= at + text.length && [...text].every((c, i) => head[at + i] === c.charCodeAt(0));
const bytes = (head: Uint8Array, at: number, values: number[]) =>
  head.length >= at + values.length && values.every((v, i) => head[at + i] === v);

/** Binary formats recognised by their signature. Order matters only where signatures share a prefix (RIFF, ftyp). */
function bySignature(head: Uint8Array): FileView | undefined {
  if (bytes(head, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', type: 'image/png', label: 'a PNG image' };
  if (bytes(head, 0, [0xff, 0xd8, 0xff])) return { kind: 'image', type: 'image/jpeg', label: 'a JPEG image' };
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return { kind: 'image', type: 'image/gif', label: 'a GIF image' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return { kind: 'image', type: 'image/webp', label: 'a WebP image' };
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return { kind: 'audio', type: 'audio/wav', label: 'a WAV sound' };
  if (ascii(head, 0, 'BM') && head.length >= 26) return { kind: 'image', type: 'image/bmp', label: 'a BMP image' };
  if (ascii(head, 0, '%PDF-')) return { kind: 'pdf', type: 'application/pdf', label: 'a PDF document' };
  if (ascii(head, 0, 'OggS')) return { kind: 'audio', type: 'audio/ogg', label: 'an Ogg sound' };
  if (ascii(head, 0, 'fLaC')) return { kind: 'audio', type: 'audio/flac', label: 'a FLAC sound' };
  if (ascii(head, 0, 'ID3')) return { kind: 'audio', type: 'audio/mpeg', label: 'an MP3 sound' };
  if (bytes(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) return { kind: 'video', type: 'video/webm', label: 'a WebM video' };
  if (ascii(head, 4, 'ftyp')) return isoMedia(ascii(head, 8, '    ') ? '' : String.fromCharCode(...head.subarray(8, 12)));
  // An MPEG audio frame with no ID3 tag: 11 sync bits, then a layer that is not "reserved".
  if (head.length >= 4 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0 && ((head[1] ?? 0) & 0x06) !== 0) {
    return { kind: 'audio', type: 'audio/mpeg', label: 'an MP3 sound' };
  }
  return undefined;
}

/** ISO base media files (MP4, M4A, MOV, AVIF) say what they hold in their major brand. */
function isoMedia(brand: string): FileView {
  if (/^(avif|avis)$/.test(brand)) return { kind: 'image', type: 'image/avif', label: 'an AVIF image' };
  if (/^(M4A |M4B )$/.test(brand)) return { kind: 'audio', type: 'audio/mp4', label: 'an M4A sound' };
  if (/^(heic|heix|mif1|msf1)$/.test(brand)) return { ...NOT_SHOWN, label: 'a HEIC image' };
  if (brand === 'qt  ') return { kind: 'video', type: 'video/quicktime', label: 'a QuickTime video' };
  return { kind: 'video', type: 'video/mp4', label: 'an MP4 video' };
}

/**
 * Markup a browser could run script from, recognised by its first tag after
 * any byte-order mark, white space, XML declaration, comments or doctype.
 */
function markupKind(head: Uint8Array): 'svg' | 'html' | 'xml' | undefined {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\uFEFF/, '');
  const rest = text.replace(/^(\s|<\?xml[^>]*>|<!--[\s\S]*?-->|<!doctype[^>]*>)*/i, '').toLowerCase();
  if (rest.startsWith('<svg')) return 'svg';
  if (/^<(html|head|body|script|iframe|!doctype html)/.test(rest) || /^<!doctype\s+html/i.test(text.trim())) return 'html';
  if (/^<[a-z?!]/.test(rest)) return /<svg[\s>]/.test(rest) ? 'svg' : 'xml';
  return undefined;
}

/** True when the bytes read as UTF-8 text with no control characters other than tab, line breaks and form feed. */
function isPlainText(head: Uint8Array, complete: boolean): boolean {
  // A multi-byte character may be cut at the end of the sample: drop up to 3 trailing bytes.
  const sample = complete ? head : head.subarray(0, Math.max(0, head.length - 3));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/**
 * Decides how a file may be shown, from its first bytes ({@link SNIFF_BYTES})
 * and the allow-list above.
 * @param head the file's first bytes (all of them for a smaller file).
 * @param claimed what the file's document says: its `mimeType` and `name`.
 *   They only ever narrow the decision (text is shown as text only when the
 *   document also says it is text); they never widen it.
 * @param size the file's whole size, to know whether `head` is all of it.
 * @remarks HTML, XHTML, XML and anything unrecognised are never shown: they
 * are offered for download, to be opened with another program.
 */
export function viewFor(head: Uint8Array, claimed: { mimeType: string; name: string }, size: number): FileView {
  const signed = bySignature(head);
  if (signed) return signed;
  const markup = markupKind(head);
  if (markup === 'svg') return { kind: 'svg', type: 'image/svg+xml', label: 'an SVG image' };
  if (markup === 'html') return HTML;
  if (markup === 'xml') return { ...NOT_SHOWN, label: 'an XML document', isActiveContent: true };
  const type = claimed.mimeType.split(';')[0]?.trim().toLowerCase() ?? '';
  const saysText = TEXT_TYPES.test(type) || (type === 'application/octet-stream' || type === '' ? TEXT_EXTENSIONS.test(claimed.name) : false);
  if (saysText && isPlainText(head, head.length >= size)) {
    return { kind: 'text', type: 'text/plain;charset=utf-8', label: 'a text file' };
  }
  if (/^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml)$/.test(type)) return HTML;
  return NOT_SHOWN;
}
