import { readFile } from 'node:fs/promises';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  SHARE_STAGING,
  hasSharedText,
  noteFromShare,
  readShareLanding,
  shareErrorMessage,
  toStagedShare,
  withoutShareParams,
  type ShareErrorCode,
} from '../../../src/pwa/shareTarget';

interface WorkerExports {
  STAGING: Record<string, unknown>;
  sharedContent: (form: FormData) => { title: string; text: string; url: string; files: File[] };
  landingUrl: (scope: string, param: string, value: string) => string;
}

/** Runs the real worker script (public/share-target-sw.js) with Node's fetch classes and a bare event target as `self`. */
async function loadWorkerScript(): Promise<{ exports: WorkerExports; listeners: string[] }> {
  const code = await readFile(new URL('../../../public/share-target-sw.js', import.meta.url), 'utf8');
  const listeners: string[] = [];
  const self: Record<string, unknown> = { addEventListener: (type: string) => listeners.push(type) };
  runInNewContext(code, { self, URL, URLSearchParams, Response });
  return { exports: self['p2pcloudShareTarget'] as WorkerExports, listeners };
}

describe('the worker script and the app agree', () => {
  it('on the staging database, store and landing parameters', async () => {
    const { exports, listeners } = await loadWorkerScript();
    expect(exports.STAGING).toEqual({ ...SHARE_STAGING });
    expect(listeners).toEqual(['fetch']);
  });

  it('on the landing URL: the app reads back what the worker wrote, and routes to Files', async () => {
    const { exports } = await loadWorkerScript();
    const landing = new URL(exports.landingUrl('https://app.example/p2p/', SHARE_STAGING.shareParam, 'abc-123'));
    expect(landing.pathname).toBe('/p2p/');
    expect(landing.hash).toBe('#/files');
    expect(readShareLanding(landing.search)).toEqual({ shareId: 'abc-123' });
    const failed = new URL(exports.landingUrl('https://app.example/', SHARE_STAGING.errorParam, 'storage-full'));
    expect(readShareLanding(failed.search)).toEqual({ error: 'storage-full' });
  });

  it('reads a real multipart share, dropping the empty part an empty file input sends', async () => {
    const { exports } = await loadWorkerScript();
    const form = new FormData();
    form.append('title', 'Holiday');
    form.append('text', 'two photos');
    form.append('files', new File([new Uint8Array([1, 2, 3])], 'a.jpg', { type: 'image/jpeg' }));
    form.append('files', new File([], ''));
    form.append('files', new File([], 'empty-but-named.txt', { type: 'text/plain' }));
    // Through a real Request, so the multipart encoding and decoding are Node's own.
    const request = new Request('https://app.example/share-target', { method: 'POST', body: form });
    const shared = exports.sharedContent(await request.formData());
    expect(shared.title).toBe('Holiday');
    expect(shared.text).toBe('two photos');
    expect(shared.url).toBe('');
    expect(shared.files.map((f) => [f.name, f.size, f.type])).toEqual([
      ['a.jpg', 3, 'image/jpeg'],
      ['empty-but-named.txt', 0, 'text/plain'],
    ]);
  });
});

describe('readShareLanding', () => {
  it('ignores unknown error codes and other parameters', () => {
    expect(readShareLanding('?share-error=boom&x=1')).toEqual({});
    expect(readShareLanding('')).toEqual({});
  });

  it('strips only the share parameters', () => {
    expect(withoutShareParams('?share=1&share-error=empty')).toBe('');
    expect(withoutShareParams('?a=b&share=1')).toBe('?a=b');
  });
});

describe('shareErrorMessage', () => {
  it('has a message for every code the worker can send', () => {
    const codes: ShareErrorCode[] = ['storage-full', 'unreadable', 'not-stored', 'empty'];
    for (const code of codes) expect(shareErrorMessage(code)).toMatch(/\.$/);
  });
});

describe('noteFromShare', () => {
  const share = (title: string, text: string, url: string) => ({ title, text, url });

  it.each([
    ['title, text and link', share('Article', 'Read later', 'https://a.example/x'), { title: 'Article', body: 'Read later\n\nhttps://a.example/x' }],
    ['a link already in the text is not repeated', share('', 'look https://a.example/x', 'https://a.example/x'), { title: 'look https://a.example/x', body: 'look https://a.example/x' }],
    ['the first line of the text as title', share('', 'First line\nsecond', ''), { title: 'First line', body: 'First line\nsecond' }],
    ['the link as title when there is nothing else', share('', '', 'https://a.example/x'), { title: 'https://a.example/x', body: 'https://a.example/x' }],
    ['a title alone', share('Just a title', '', ''), { title: 'Just a title', body: '' }],
  ])('%s', (_, input, expected) => {
    expect(noteFromShare(input)).toEqual(expected);
  });

  it('shortens a long first line used as title', () => {
    const note = noteFromShare(share('', 'x'.repeat(200), ''));
    expect(note?.title).toHaveLength(80);
    expect(note?.title.endsWith('…')).toBe(true);
  });

  it('makes no note of an empty share', () => {
    expect(noteFromShare(share(' ', ' ', ''))).toBeUndefined();
  });

  it('asks about text or a link, not about a title alone (apps send one with every file)', () => {
    expect(hasSharedText(share('Photo', '', ''))).toBe(false);
    expect(hasSharedText(share('', '', 'https://a.example'))).toBe(true);
  });
});

describe('toStagedShare', () => {
  it('keeps only File entries and fills missing fields', () => {
    const file = new File(['hi'], 'hi.txt');
    expect(toStagedShare({ id: 's1', files: [file, 'not a file', null] })).toEqual({
      id: 's1',
      receivedAt: '',
      title: '',
      text: '',
      url: '',
      files: [file],
    });
  });

  it('rejects records without an id', () => {
    expect(toStagedShare({ files: [] })).toBeUndefined();
    expect(toStagedShare(null)).toBeUndefined();
  });
});
