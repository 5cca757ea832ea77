import type { PeerCredentials } from './peer';

/** Why a typed peer address cannot be used, before anything is sent. */
export type PeerUrlProblem =
  | { kind: 'empty' }
  | { kind: 'not-a-url' }
  | { kind: 'unsupported-scheme'; scheme: string }
  | { kind: 'missing-database-name' }
  | { kind: 'bad-database-name'; name: string }
  | { kind: 'mixed-content'; host: string };

/** A peer address split into what can be shown and what must stay secret. */
export interface ParsedPeerUrl {
  /** Database URL without credentials, query or fragment; safe to show and log. */
  url: string;
  /** Server root, e.g. `http://pi.local:5984`. */
  serverUrl: string;
  databaseName: string;
  /** Credentials that were typed inside the URL, moved out of it. */
  credentials?: PeerCredentials;
}

// CouchDB's rule for database names (see its docs on PUT /{db}).
const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;

/**
 * Parses what a user typed as a peer address.
 * @param pageProtocol the app's own `location.protocol`: an https page cannot
 * reach a plain-http peer unless that peer is on this machine.
 */
export function parsePeerUrl(
  input: string,
  pageProtocol = 'http:',
): { ok: true; value: ParsedPeerUrl } | { ok: false; problem: PeerUrlProblem } {
  const text = input.trim();
  if (!text) return { ok: false, problem: { kind: 'empty' } };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: { kind: 'not-a-url' } };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, problem: { kind: 'unsupported-scheme', scheme: url.protocol.replace(/:$/, '') } };
  }
  const path = url.pathname.replace(/^\/+|\/+$/g, '');
  if (!path) return { ok: false, problem: { kind: 'missing-database-name' } };
  // Slashes inside a name are legal but must travel encoded as %2F.
  const databaseName = decodeURIComponent(path);
  if (!DB_NAME.test(databaseName)) {
    return { ok: false, problem: { kind: 'bad-database-name', name: databaseName } };
  }
  if (pageProtocol === 'https:' && url.protocol === 'http:' && !isLoopback(url.hostname)) {
    return { ok: false, problem: { kind: 'mixed-content', host: url.host } };
  }
  const credentials = url.username
    ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  const serverUrl = `${url.protocol}//${url.host}`;
  return {
    ok: true,
    value: {
      url: `${serverUrl}/${encodeURIComponent(databaseName)}`,
      serverUrl,
      databaseName,
      ...(credentials ? { credentials } : {}),
    },
  };
}

/** Browsers treat these hosts as potentially trustworthy even over http. */
export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d+\.\d+\.\d+$/.test(hostname)
  );
}

/** Removes any `user:password@` from URLs inside a text, for logs and messages. */
export function redactCredentials(text: string): string {
  return text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, '$1');
}
