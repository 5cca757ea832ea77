import type { PeerCredentials } from './peer';

/**
 * Setup links: how a device joins the mesh by opening one link (or scanning
 * its QR code). The link carries the peer list in its #fragment, which
 * browsers never send to any server; credentials travel only if the user
 * asks, encrypted with a passphrase (PBKDF2-SHA-256 → AES-GCM, WebCrypto).
 */

/** What a setup link carries once opened (and, if any, decrypted). */
export interface SetupPayload {
  peers: Array<{ url: string; username?: string }>;
  /** Per peer URL, present only after the right passphrase. */
  credentials?: Record<string, PeerCredentials>;
}

interface Envelope {
  v: 1;
  peers: Array<{ url: string; username?: string }>;
  /** Encrypted credentials: base64url salt, iv and ciphertext. */
  secret?: { salt: string; iv: string; data: string };
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
  if (payload.credentials && passphrase) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const plain = new TextEncoder().encode(JSON.stringify(payload.credentials));
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
  const peers = envelope.peers.filter((p) => typeof p?.url === 'string' && /^https?:\/\//.test(p.url));
  const secret = envelope.secret;
  return {
    peers,
    hasCredentials: !!secret,
    async unlock(passphrase) {
      if (!secret) return {};
      try {
        const key = await keyFrom(passphrase, fromBase64Url(secret.salt));
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64Url(secret.iv) }, key, fromBase64Url(secret.data));
        return JSON.parse(new TextDecoder().decode(plain)) as Record<string, PeerCredentials>;
      } catch {
        throw new Error('That passphrase does not open these credentials.');
      }
    },
  };
}
