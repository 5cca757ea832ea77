// The envelope of an encrypted peer (issue #16): WebCrypto AES-GCM under a
// PBKDF2 key, parameters stored beside the ciphertext, bound to where it belongs.
import { describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_ITERATIONS,
  EnvelopeError,
  MeshKeyring,
  binaryParams,
  fromBase64,
  openBinary,
  readSealed,
  sealBinary,
  toBase64,
  toBase64Portable,
} from '../../../src/domain/envelope';

const note = { type: 'note', title: 'Secret plans', body: 'Meet at the old mill at dawn.' };
const bytes = (text: string) => new TextEncoder().encode(text);

/** Flips one bit of a base64 value. */
function flip(b64: string, at = 0): string {
  const raw = fromBase64(b64);
  raw[at] = raw[at]! ^ 1;
  return toBase64(raw);
}

async function reason(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(EnvelopeError);
    return (err as EnvelopeError).reason;
  }
  throw new Error('expected the envelope to be refused');
}

const keyring = new MeshKeyring('correct horse battery staple');

describe('sealed JSON', () => {
  it('round trips, and holds none of the plaintext', async () => {
    const sealed = await keyring.sealJson(note, 'note:1\n1-a');
    expect(JSON.stringify(sealed)).not.toContain('Secret');
    expect(JSON.stringify(sealed)).not.toContain('mill');
    expect(await keyring.openJson(sealed, 'note:1\n1-a')).toEqual(note);
    // Another device, the same passphrase: derives the key from the stored salt.
    expect(await new MeshKeyring('correct horse battery staple').openJson(sealed, 'note:1\n1-a')).toEqual(note);
  });

  it('stores its parameters, and a fresh nonce per write', async () => {
    const a = await keyring.sealJson(note, 'note:1\n1-a');
    const b = await keyring.sealJson(note, 'note:1\n1-a');
    expect(a).toMatchObject({ v: 1, alg: 'AES-GCM', kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: DEFAULT_ITERATIONS } });
    expect(DEFAULT_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(fromBase64(a.kdf.salt)).toHaveLength(16);
    expect(fromBase64(a.iv)).toHaveLength(12);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
    expect(readSealed(JSON.parse(JSON.stringify(a)))).toEqual(a);
  });

  it('other parameters (fewer iterations, another salt) are read back from the envelope', async () => {
    const sealed = await new MeshKeyring('correct horse battery staple', 150_000).sealJson(note, 'x');
    expect(sealed.kdf.iterations).toBe(150_000);
    expect(await keyring.openJson(sealed, 'x')).toEqual(note);
  });

  it('refuses a tampered ciphertext, nonce, salt or iteration count', async () => {
    const sealed = await keyring.sealJson(note, 'note:1\n1-a');
    expect(await reason(keyring.openJson({ ...sealed, ct: flip(sealed.ct, 3) }, 'note:1\n1-a'))).toBe('authentication');
    expect(await reason(keyring.openJson({ ...sealed, iv: flip(sealed.iv) }, 'note:1\n1-a'))).toBe('authentication');
    expect(await reason(keyring.openJson({ ...sealed, kdf: { ...sealed.kdf, salt: flip(sealed.kdf.salt) } }, 'note:1\n1-a'))).toBe('authentication');
    const more = { ...sealed, kdf: { ...sealed.kdf, iterations: sealed.kdf.iterations + 1 } };
    expect(await reason(keyring.openJson(more, 'note:1\n1-a'))).toBe('authentication');
  });

  it('refuses another passphrase', async () => {
    const sealed = await keyring.sealJson(note, 'note:1\n1-a');
    expect(await reason(new MeshKeyring('wrong passphrase').openJson(sealed, 'note:1\n1-a'))).toBe('authentication');
  });

  it('is bound to its id and revision: moved elsewhere it does not open', async () => {
    const sealed = await keyring.sealJson(note, 'note:1\n1-a');
    expect(await reason(keyring.openJson(sealed, 'note:2\n1-a'))).toBe('authentication');
    expect(await reason(keyring.openJson(sealed, 'note:1\n2-b'))).toBe('authentication');
  });

  it('names plain data, unknown versions and out-of-range parameters', async () => {
    const sealed = await keyring.sealJson(note, 'x');
    expect(await reason(keyring.openJson(undefined, 'x'))).toBe('not-encrypted');
    expect(await reason(keyring.openJson({ ...sealed, v: 2 }, 'x'))).toBe('unsupported');
    expect(await reason(keyring.openJson({ ...sealed, kdf: { ...sealed.kdf, iterations: 10 } }, 'x'))).toBe('unsupported');
    expect(await reason(keyring.openJson({ ...sealed, kdf: { ...sealed.kdf, iterations: 1e9 } }, 'x'))).toBe('unsupported');
    expect(await reason(keyring.openJson({ ...sealed, ct: undefined }, 'x'))).toBe('malformed');
    expect(() => new MeshKeyring('')).toThrow(EnvelopeError);
  });
});

describe('sealed bytes (attachments)', () => {
  const plain = bytes('PNG file bytes: not for the peer');

  it('round trip, with the parameters in the header', async () => {
    const sealed = await sealBinary(keyring, plain, 'chunk:1\ndata');
    expect(Buffer.from(sealed).includes(Buffer.from('not for the peer'))).toBe(false);
    expect(binaryParams(sealed).kdf).toMatchObject({ name: 'PBKDF2', hash: 'SHA-256', iterations: DEFAULT_ITERATIONS });
    expect(await openBinary(new MeshKeyring('correct horse battery staple'), sealed, 'chunk:1\ndata')).toEqual(plain);
  });

  it('refuses tampering, another passphrase, another place and plain bytes', async () => {
    const sealed = await sealBinary(keyring, plain, 'chunk:1\ndata');
    const tampered = sealed.slice();
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0x80;
    expect(await reason(openBinary(keyring, tampered, 'chunk:1\ndata'))).toBe('authentication');
    expect(await reason(openBinary(new MeshKeyring('wrong'), sealed, 'chunk:1\ndata'))).toBe('authentication');
    expect(await reason(openBinary(keyring, sealed, 'chunk:2\ndata'))).toBe('authentication');
    expect(await reason(openBinary(keyring, plain, 'chunk:1\ndata'))).toBe('not-encrypted');
    expect(await reason(openBinary(keyring, sealed.slice(0, 20), 'chunk:1\ndata'))).toBe('malformed');
  });
});

describe('the salt a keyring seals with', () => {
  it('is the one of the first envelope it opened, so a mesh converges on one key', async () => {
    const first = await new MeshKeyring('correct horse battery staple').sealJson(note, 'x');
    const other = new MeshKeyring('correct horse battery staple');
    await other.openJson(first, 'x');
    expect((await other.sealJson(note, 'y')).kdf).toEqual(first.kdf);
  });

  it('is its own when it sealed first, and never one of another iteration count or one that did not open', async () => {
    const mine = new MeshKeyring('correct horse battery staple');
    const sealed = await mine.sealJson(note, 'x');
    const older = await new MeshKeyring('correct horse battery staple', 150_000).sealJson(note, 'x');
    const fresh = new MeshKeyring('correct horse battery staple');
    await fresh.openJson(older, 'x');
    await expect(fresh.openJson(sealed, 'wrong place')).rejects.toThrow(EnvelopeError);
    const next = await fresh.sealJson(note, 'y');
    expect(next.kdf.iterations).toBe(DEFAULT_ITERATIONS);
    expect(next.kdf.salt).not.toBe(older.kdf.salt);
    expect(next.kdf.salt).not.toBe(sealed.kdf.salt);
    expect((await mine.sealJson(note, 'z')).kdf.salt).toBe(sealed.kdf.salt);
  });
});

describe('a key derived ahead (warmUp)', () => {
  it('is the one the first seal uses, derived once', async () => {
    const derive = vi.spyOn(crypto.subtle, 'deriveKey');
    const start = vi.spyOn(crypto.subtle, 'importKey');
    try {
      const warm = new MeshKeyring('correct horse battery staple', 100_000);
      warm.warmUp();
      // Started there and then (the passphrase imported, the derivation chained to it).
      expect(start).toHaveBeenCalledTimes(1);
      warm.warmUp();
      const a = await warm.sealJson(note, 'x');
      const b = await warm.sealJson(note, 'y');
      expect(derive).toHaveBeenCalledTimes(1);
      expect(b.kdf).toEqual(a.kdf);
      expect(await new MeshKeyring('correct horse battery staple').openJson(a, 'x')).toEqual(note);
    } finally {
      derive.mockRestore();
      start.mockRestore();
    }
  });

  it('is dropped when an envelope opens before the first seal: the mesh still converges on one salt', async () => {
    const first = await new MeshKeyring('correct horse battery staple').sealJson(note, 'x');
    const warm = new MeshKeyring('correct horse battery staple');
    warm.warmUp();
    await warm.openJson(first, 'x');
    expect((await warm.sealJson(note, 'y')).kdf).toEqual(first.kdf);
  });
});

describe('base64', () => {
  // The browser's own Uint8Array.prototype.toBase64 is used where it exists (Chromium); this is the path
  // without it (Node 20), and the two must write the same text: standard alphabet, padded.
  it('written without the browser\'s own is the standard, padded base64, in slices and across them', () => {
    for (const length of [0, 1, 2, 3, 700, 0x8000 - 1, 0x8000, 0x8000 + 1, 3 * 0x8000 + 5]) {
      const raw = new Uint8Array(length).map((_, i) => (i * 131 + 7) & 0xff);
      expect(toBase64Portable(raw)).toBe(Buffer.from(raw).toString('base64'));
      expect(toBase64(raw)).toBe(Buffer.from(raw).toString('base64'));
      expect(fromBase64(toBase64(raw))).toEqual(raw);
    }
  });

  it('read back refuses what is not base64', () => {
    expect(() => fromBase64('not base64!')).toThrow(EnvelopeError);
    expect(() => fromBase64('abcde')).toThrow(EnvelopeError);
  });
});
