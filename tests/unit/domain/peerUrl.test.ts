import { describe, expect, it } from 'vitest';
import { parsePeerUrl, redactCredentials } from '../../../src/domain/peerUrl';

describe('parsePeerUrl', () => {
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['pi.local notes', 'not-a-url'],
    ['pi.local:5984/notes', 'unsupported-scheme'],
    ['ftp://pi.local/notes', 'unsupported-scheme'],
    ['http://pi.local:5984', 'missing-database-name'],
    ['http://pi.local:5984/', 'missing-database-name'],
    ['http://pi.local:5984/Notes', 'bad-database-name'],
    ['http://pi.local:5984/1notes', 'bad-database-name'],
  ])('%j is refused as %s', (input, kind) => {
    const result = parsePeerUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.kind).toBe(kind);
  });

  it('accepts a database URL and normalises it', () => {
    const result = parsePeerUrl(' http://pi.local:5984/notes/ ');
    expect(result).toEqual({
      ok: true,
      value: { url: 'http://pi.local:5984/notes', serverUrl: 'http://pi.local:5984', databaseName: 'notes' },
    });
  });

  it('moves credentials typed inside the URL out of it', () => {
    const result = parsePeerUrl('https://alice:p%40ss@couch.example.org/notes');
    expect(result.ok && result.value.url).toBe('https://couch.example.org/notes');
    expect(result.ok && result.value.credentials).toEqual({ username: 'alice', password: 'p@ss' });
  });

  it('keeps a database name with a slash encoded', () => {
    const result = parsePeerUrl('http://pi.local:5984/team%2Fnotes');
    expect(result.ok && result.value.url).toBe('http://pi.local:5984/team%2Fnotes');
  });

  it('refuses an http peer from an https page (mixed content), except on this machine', () => {
    const far = parsePeerUrl('http://pi.local:5984/notes', 'https:');
    expect(!far.ok && far.problem).toEqual({ kind: 'mixed-content', host: 'pi.local:5984' });
    expect(parsePeerUrl('http://127.0.0.1:5984/notes', 'https:').ok).toBe(true);
    expect(parsePeerUrl('http://localhost:5984/notes', 'https:').ok).toBe(true);
    expect(parsePeerUrl('https://pi.local:6984/notes', 'https:').ok).toBe(true);
  });
});

describe('redactCredentials', () => {
  it('removes user:password@ from every URL in a text', () => {
    expect(redactCredentials('GET http://alice:secret@pi:5984/notes failed; also https://bob@x/y')).toBe(
      'GET http://pi:5984/notes failed; also https://x/y',
    );
  });
});
