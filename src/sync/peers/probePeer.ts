// Asks an address whether it is a CouchDB database this device can use, and says precisely why not.
import type { PeerCredentials } from '../../domain/peer';
import type { ParsedPeerUrl } from '../../domain/peerUrl';

/** What checking a peer found wrong, one case per message the user can act on. */
export type ProbeProblem =
  /** Nothing answers at that address (or it took too long). */
  | { kind: 'unreachable' }
  /**
   * Something answers but the browser may not read it. Either it is not
   * CouchDB, or it is CouchDB without CORS for this origin: a browser cannot
   * tell those apart (both are an opaque answer), so neither is claimed.
   */
  | { kind: 'unreadable' }
  /** CouchDB answered, but the browser blocked the signed-in request: CORS without credentials or the Authorization header. */
  | { kind: 'cors' }
  /** Something answers, but it is not a CouchDB-protocol server. */
  | { kind: 'not-couchdb'; status: number }
  /** Credentials missing or wrong (HTTP 401). */
  | { kind: 'unauthorized'; hadCredentials: boolean }
  /** Signed in, but without access to this database (HTTP 403). */
  | { kind: 'forbidden' }
  /** The server is CouchDB but the database does not exist. */
  | { kind: 'no-database' };

export type ProbeResult = { ok: true; server: string } | { ok: false; problem: ProbeProblem };

/** Dependencies of {@link probePeer}, injected so it runs in Node and the browser alike. */
export interface ProbeEnv {
  fetch: typeof fetch;
  /** Browsers hide CORS failures as network errors; only there is the second look meaningful. */
  canDetectCors: boolean;
  timeoutMs?: number;
}

/** The HTTP Authorization header for a peer, if it has credentials. */
export function authHeaders(credentials?: PeerCredentials): Record<string, string> {
  if (!credentials) return {};
  const bytes = new TextEncoder().encode(`${credentials.username}:${credentials.password}`);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return { Authorization: `Basic ${btoa(binary)}` };
}

/**
 * Checks a peer before it is added, so each kind of failure gets its own message.
 * @remarks Sends only GET requests; never creates or changes anything.
 */
export async function probePeer(
  peer: ParsedPeerUrl,
  credentials: PeerCredentials | undefined,
  env: ProbeEnv,
): Promise<ProbeResult> {
  const timeout = env.timeoutMs ?? 10_000;
  const headers = { Accept: 'application/json', ...authHeaders(credentials) };
  let root: Response;
  try {
    root = await env.fetch(`${peer.serverUrl}/`, { headers, signal: AbortSignal.timeout(timeout) });
  } catch {
    return { ok: false, problem: (await answersOpaquely(peer.serverUrl, env, timeout)) ? { kind: 'unreadable' } : { kind: 'unreachable' } };
  }
  const welcome = await readJson(root);
  const server = couchServerName(welcome);
  if (!server && root.status !== 401) return { ok: false, problem: { kind: 'not-couchdb', status: root.status } };
  let db: Response;
  try {
    db = await env.fetch(peer.url, { headers, signal: AbortSignal.timeout(timeout) });
  } catch {
    // The root answered, so a failure here is the browser refusing the
    // authenticated (preflighted) request: CORS without the Authorization header.
    return { ok: false, problem: { kind: env.canDetectCors ? 'cors' : 'unreachable' } };
  }
  if (db.status === 401) return { ok: false, problem: { kind: 'unauthorized', hadCredentials: !!credentials } };
  if (db.status === 403) return { ok: false, problem: { kind: 'forbidden' } };
  if (db.status === 404) return { ok: false, problem: { kind: 'no-database' } };
  const info = await readJson(db);
  if (!db.ok || typeof info?.['db_name'] !== 'string') {
    return { ok: false, problem: { kind: 'not-couchdb', status: db.status } };
  }
  return { ok: true, server: server ?? 'CouchDB' };
}

/** Creates the peer's database (needs a server admin). Returns an error message-free outcome. */
export async function createRemoteDatabase(
  peer: ParsedPeerUrl,
  credentials: PeerCredentials | undefined,
  env: ProbeEnv,
): Promise<{ ok: true } | { ok: false; status: number }> {
  try {
    const res = await env.fetch(peer.url, {
      method: 'PUT',
      headers: { Accept: 'application/json', ...authHeaders(credentials) },
      signal: AbortSignal.timeout(env.timeoutMs ?? 10_000),
    });
    // 412: someone created it meanwhile, which is what we wanted.
    return res.ok || res.status === 412 ? { ok: true } : { ok: false, status: res.status };
  } catch {
    return { ok: false, status: 0 };
  }
}

async function answersOpaquely(serverUrl: string, env: ProbeEnv, timeout: number): Promise<boolean> {
  if (!env.canDetectCors) return false;
  try {
    // A no-cors request succeeds (opaquely) whenever the server answers at all.
    await env.fetch(`${serverUrl}/`, { mode: 'no-cors', signal: AbortSignal.timeout(timeout) });
    return true;
  } catch {
    return false;
  }
}

async function readJson(res: Response): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = await res.json();
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function couchServerName(welcome: Record<string, unknown> | undefined): string | undefined {
  if (!welcome) return undefined;
  if (welcome['couchdb'] === 'Welcome') {
    const vendor = (welcome['vendor'] as { name?: unknown } | undefined)?.name;
    if (typeof vendor === 'string' && !/apache/i.test(vendor)) return vendor;
    return typeof welcome['version'] === 'string' ? `CouchDB ${welcome['version']}` : 'CouchDB';
  }
  // PouchDB Server / express-pouchdb speak the same protocol.
  if (typeof welcome['express-pouchdb'] === 'string') return 'PouchDB Server';
  return undefined;
}
