import type { PeerCredentials } from './peer';

/**
 * Setup links: how a device joins the mesh by opening one link (or scanning
 * its QR code). The link carries the peer list in its #fragment, which
 * browsers never send to any server; credentials travel only if the user
 * asks, encrypted with a passphrase (PBKDF2-SHA-256 → AES-GCM, WebCrypto),
 * and so does the mesh passphrase of encrypted peers (issue #16).
 */

/** What a setup link carries once opened (and, if any, decrypted). */
export interface SetupPayload {
  peers: Array<{ url: string; username?: string; encrypted?: boolean }>;
  /** Per peer URL, present only after the right passphrase. */
  credentials?: Record<string, PeerCredentials>;
  /** The mesh passphrase of encrypted peers; travels only under the invite passphrase. */
  meshPassphrase?: string;
}

interface Envelope {
  v: 1;
  peers: Array<{ url: string; username?: string; encrypted?: boolean }>;
  /** Encrypted credentials: base64url salt, iv and ciphertext. */
  secret?: { salt: string; iv: string; data: string };
  /**
   * 2 when the secret is `{ credentials, meshPassphrase }`; absent when it is
   * the credentials alone (links made before encrypted peers).
   */
  sv?: 2;
}

/** What the secret of a link holds once unlocked. */
export interface SetupSecret {
  credentials: Record<string, PeerCredentials>;
  meshPassphrase?: string;
}

const ITERATIONS = 210_000;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function keyFrom(passphrase: string, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt, iterations: ITERATIONS, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** Builds the fragment (`#/join?d=…`) of a setup link. */
export async function makeSetupFragment(payload: SetupPayload, passphrase?: string): Promise<string> {
  const envelope: Envelope = { v: 1, peers: payload.peers };
  if ((payload.credentials || payload.meshPassphrase) && passphrase) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    // Credentials alone keep the first format, which older versions of the app open.
    const secret = payload.meshPassphrase ? { credentials: payload.credentials ?? {}, meshPassphrase: payload.meshPassphrase } : payload.credentials;
    if (payload.meshPassphrase) envelope.sv = 2;
    const plain = new TextEncoder().encode(JSON.stringify(secret));
    const data = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await keyFrom(passphrase, salt), plain));
    envelope.secret = { salt: toBase64Url(salt), iv: toBase64Url(iv), data: toBase64Url(data) };
  }
  return `#/join?d=${toBase64Url(new TextEncoder().encode(JSON.stringify(envelope)))}`;
}

/** What an opened link says, before any passphrase. */
export interface OpenedLink {
  peers: SetupPayload['peers'];
  hasCredentials: boolean;
  /** Decrypts the credentials; rejects with a clear message on a wrong passphrase. */
  unlock(passphrase: string): Promise<Record<string, PeerCredentials>>;
  /** Decrypts the credentials and the mesh passphrase, if the link carries one. */
  unlockAll(passphrase: string): Promise<SetupSecret>;
}

/** Reads a setup link's fragment; undefined if it is not one, or is damaged. */
export function openSetupFragment(hash: string): OpenedLink | undefined {
  const match = /^#\/join\?d=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match?.[1]) return undefined;
  let envelope: Envelope;
  try {
    envelope = JSON.parse(new TextDecoder().decode(fromBase64Url(match[1]))) as Envelope;
  } catch {
    return undefined;
  }
  if (envelope.v !== 1 || !Array.isArray(envelope.peers)) return undefined;
  const peers = envelope.peers
    .filter((p) => typeof p?.url === 'string' && /^https?:\/\//.test(p.url))
    .map((p) => ({ url: p.url, ...(typeof p.username === 'string' ? { username: p.username } : {}), ...(p.encrypted === true ? { encrypted: true } : {}) }));
  const secret = envelope.secret;
  const unlockAll = async (passphrase: string): Promise<SetupSecret> => {
    if (!secret) return { credentials: {} };
    let opened: unknown;
    try {
      const key = await keyFrom(passphrase, fromBase64Url(secret.salt));
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(secret.iv) }, key, fromBase64Url(secret.data));
      opened = JSON.parse(new TextDecoder().decode(plain));
    } catch {
      throw new Error('That passphrase does not open these credentials.');
    }
    if (envelope.sv !== 2) return { credentials: opened as Record<string, PeerCredentials> };
    const both = opened as Partial<SetupSecret>;
    return { credentials: both.credentials ?? {}, ...(typeof both.meshPassphrase === 'string' ? { meshPassphrase: both.meshPassphrase } : {}) };
  };
  return {
    peers,
    hasCredentials: !!secret,
    unlockAll,
    unlock: async (passphrase) => (await unlockAll(passphrase)).credentials,
  };
}
