import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, viewFor } from '../../../src/domain/fileView';

const bytes = (...values: number[]) => new Uint8Array(values);
const text = (s: string) => new TextEncoder().encode(s);
const head = (content: Uint8Array) => content.subarray(0, SNIFF_BYTES);
const view = (content: Uint8Array, mimeType: string, name = 'file') => viewFor(head(content), { mimeType, name }, content.length);

describe('#19 viewFor: what a file from a peer may be shown as', () => {
  it('recognises images, PDF, sound and video by their signature, whatever the document claims', () => {
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    expect(view(png, 'text/html')).toMatchObject({ kind: 'image', type: 'image/png' });
    expect(view(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 16), 'application/octet-stream')).toMatchObject({ kind: 'image', type: 'image/jpeg' });
    expect(view(text('GIF89a....'), '')).toMatchObject({ kind: 'image', type: 'image/gif' });
    expect(view(text('RIFF\0\0\0\0WEBPVP8 '), '')).toMatchObject({ kind: 'image', type: 'image/webp' });
    expect(view(text('%PDF-1.7\n...'), 'text/html')).toMatchObject({ kind: 'pdf', type: 'application/pdf' });
    expect(view(text('ID3\u0004\0\0\0\0\0\0'), '')).toMatchObject({ kind: 'audio', type: 'audio/mpeg' });
    expect(view(text('OggS\0\u0002'), '')).toMatchObject({ kind: 'audio', type: 'audio/ogg' });
    expect(view(text('RIFF\0\0\0\0WAVEfmt '), '')).toMatchObject({ kind: 'audio', type: 'audio/wav' });
    expect(view(bytes(0x1a, 0x45, 0xdf, 0xa3, 1, 2), '')).toMatchObject({ kind: 'video', type: 'video/webm' });
    expect(view(text('\0\0\0\u0018ftypisom\0\0\0\0'), '')).toMatchObject({ kind: 'video', type: 'video/mp4' });
    expect(view(text('\0\0\0\u0018ftypM4A \0\0\0\0'), '')).toMatchObject({ kind: 'audio', type: 'audio/mp4' });
    expect(view(text('\0\0\0\u001cftypavif\0\0\0\0'), '')).toMatchObject({ kind: 'image', type: 'image/avif' });
  });

  it('shows an SVG only as an image, and never an HTML page, whatever its document says', () => {
    const svg = text('<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>');
    expect(view(svg, 'image/svg+xml')).toMatchObject({ kind: 'svg', type: 'image/svg+xml' });
    expect(view(svg, 'image/png')).toMatchObject({ kind: 'svg' });
    for (const page of ['<!doctype html><p>hi', '  <html><script>1</script>', '\uFEFF<script>alert(1)</script>', '<body onload=x>']) {
      expect(view(text(page), 'image/png')).toMatchObject({ kind: 'none', isActiveContent: true });
      expect(view(text(page), 'text/plain')).toMatchObject({ kind: 'none', isActiveContent: true });
    }
    expect(view(text('<?xml version="1.0"?><doc/>'), 'text/plain')).toMatchObject({ kind: 'none', label: 'an XML document' });
  });

  it('shows text only when the document says text and the bytes are text', () => {
    expect(view(text('Plain <b>words</b> after a tag'), 'text/plain')).toMatchObject({ kind: 'text', type: 'text/plain;charset=utf-8' });
    expect(view(text('# Title\n\nbody'), '', 'notes.md')).toMatchObject({ kind: 'text' });
    expect(view(text('{"a":1}'), 'application/json')).toMatchObject({ kind: 'text' });
    expect(view(text('<3 you, and that is not markup'), 'text/plain')).toMatchObject({ kind: 'text' });
    // The claim only narrows: harmless bytes said to be a page are not shown, nor is text of an unknown type.
    expect(view(text('Dear friend'), 'text/html')).toMatchObject({ kind: 'none', label: 'an HTML page' });
    expect(view(text('Dear friend'), 'application/x-whatever', 'letter')).toMatchObject({ kind: 'none' });
    // Binary bytes under a text claim are not text.
    expect(view(bytes(0x48, 0x69, 0x00, 0x01, 0x02), 'text/plain')).toMatchObject({ kind: 'none' });
    expect(view(bytes(0xc3, 0x28, 0x41), 'text/plain')).toMatchObject({ kind: 'none' });
  });

  it('keeps a text file whose first bytes end inside a multi-byte character', () => {
    const long = text(`${'a'.repeat(SNIFF_BYTES - 1)}é and more`);
    expect(view(long, 'text/plain')).toMatchObject({ kind: 'text' });
  });

  it('offers anything unrecognised for download only', () => {
    expect(view(bytes(0x50, 0x4b, 0x03, 0x04), 'application/zip')).toMatchObject({ kind: 'none', type: 'application/octet-stream' });
    expect(view(new Uint8Array(0), 'image/png')).toMatchObject({ kind: 'none' });
    expect(view(text('\0\0\0\u0018ftypheic\0\0\0\0'), 'image/heic')).toMatchObject({ kind: 'none', label: 'a HEIC image' });
  });
});
