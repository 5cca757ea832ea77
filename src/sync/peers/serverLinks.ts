// Links between servers: replications a CouchDB server runs itself, written in its _replicator database.
import type { PeerCredentials } from '../../domain/peer';
import { parsePeerUrl } from '../../domain/peerUrl';
import { carryApp } from './appLink';
import { LINK_PREFIX, linkId } from './linkIds';
import { authHeaders } from './probePeer';

/**
 * Server-to-server links: continuous replications that CouchDB runs itself,
 * written as documents in a server's `_replicator` database, so two always-on
 * nodes keep each other in sync with no browser open.
 */

/** A database end of a link, with the credentials the server should use for it. */
export interface LinkEnd {
  url: string;
  credentials?: PeerCredentials;
}

/** One replication a server runs, as it reports it. */
export interface ServerLink {
  docId: string;
  source: string;
  target: string;
  /** CouchDB's own word: running, pending, crashing, error, failed, completed… */
  state: string;
  error?: string;
}

export { LINK_PREFIX } from './linkIds';

type Fetch = typeof fetch;

/** The server of a database URL (its origin, plus any path prefix). */
export function serverOf(dbUrl: string): string {
  const parsed = parsePeerUrl(dbUrl);
  if (!parsed.ok) throw new Error(`not a database URL: ${dbUrl}`);
  return parsed.value.serverUrl;
}

function endpoint(end: LinkEnd): { url: string; headers?: Record<string, string> } {
  const headers = authHeaders(end.credentials);
  return Object.keys(headers).length ? { url: end.url, headers } : { url: end.url };
}

async function expectOk(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  const body = (await res.json().catch(() => ({}))) as { error?: string; reason?: string };
  const hint = res.status === 401 || res.status === 403 ? ' (server admin credentials are needed)' : '';
  throw new Error(`${what} failed: HTTP ${res.status} ${body.error ?? ''} ${body.reason ?? ''}${hint}`.trim());
}

/**
 * Links two databases both ways. Both replication documents live on the
 * source's server, which then runs A→B and B→A continuously.
 * @remarks Idempotent: the document ids are derived from the two URLs, so
 * linking again replaces the same two documents instead of adding more.
 */
export async function linkServers(a: LinkEnd, b: LinkEnd, admin: PeerCredentials, fetchFn: Fetch): Promise<void> {
  const server = serverOf(a.url);
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json', ...authHeaders(admin) };
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    const url = `${server}/_replicator/${encodeURIComponent(linkId(from.url, to.url))}`;
    const existing = await fetchFn(url, { headers });
    const rev = existing.ok ? ((await existing.json()) as { _rev?: string })._rev : undefined;
    const doc = { source: endpoint(from), target: endpoint(to), continuous: true, ...(rev ? { _rev: rev } : {}) };
    await expectOk(await fetchFn(url, { method: 'PUT', headers, body: JSON.stringify(doc) }), 'writing the link');
  }
}

/**
 * The links a server runs, as it reports them: every p2pcloud document in its
 * `_replicator` database, with the state from `_scheduler/docs` (CouchDB
 * 2.1+), or, where a server lacks that, from the document's own state fields.
 * A document the scheduler has not picked up yet shows as "pending".
 */
export async function listLinks(serverUrl: string, admin: PeerCredentials, fetchFn: Fetch): Promise<ServerLink[]> {
  const headers = { Accept: 'application/json', ...authHeaders(admin) };
  const all = await fetchFn(`${serverUrl}/_replicator/_all_docs?include_docs=true`, { headers });
  await expectOk(all, 'reading the links');
  const rows = ((await all.json()) as { rows: Array<{ id: string; doc?: Record<string, unknown> }> }).rows;
  const scheduled = new Map<string, { state?: string; info?: { error?: string } | null }>();
  const scheduler = await fetchFn(`${serverUrl}/_scheduler/docs`, { headers });
  if (scheduler.ok) {
    const body = (await scheduler.json()) as {
      docs: Array<{ database?: string; doc_id: string; state?: string; info?: { error?: string } | null }>;
    };
    for (const d of body.docs) if (d.database === '_replicator') scheduled.set(d.doc_id, d);
  }
  return rows
    .filter((r) => r.id.startsWith(LINK_PREFIX))
    .map((r) => {
      const fromScheduler = scheduled.get(r.id);
      if (fromScheduler) return fromId(r.id, fromScheduler.state ?? 'unknown', fromScheduler.info?.error ?? undefined);
      const state = r.doc?.['_replication_state'];
      const reason = r.doc?.['_replication_state_reason'];
      return fromId(r.id, typeof state === 'string' ? state : 'pending', typeof reason === 'string' ? reason : undefined);
    });
}

/** Removes one link document, which stops that replication on the server. */
export async function unlink(serverUrl: string, docId: string, admin: PeerCredentials, fetchFn: Fetch): Promise<void> {
  const headers = { Accept: 'application/json', ...authHeaders(admin) };
  const url = `${serverUrl}/_replicator/${encodeURIComponent(docId)}`;
  const current = await fetchFn(url, { headers });
  if (current.status === 404) return;
  await expectOk(current, 'reading the link');
  const { _rev } = (await current.json()) as { _rev: string };
  await expectOk(await fetchFn(`${url}?rev=${encodeURIComponent(_rev)}`, { method: 'DELETE', headers }), 'removing the link');
}

/** Source and target come from our own document id, never from the server's (possibly credential-bearing) fields. */
function fromId(docId: string, state: string, error?: string): ServerLink {
  const [source = '', target = ''] = docId.slice(LINK_PREFIX.length).split('->');
  return { docId, source, target, state, ...(error ? { error } : {}) };
}

/** What {@link ServerLinks} needs: stored peer credentials and admin logins, and fetch. */
export interface ServerLinksDeps {
  credentialsFor: (peerUrl: string) => Promise<PeerCredentials | undefined>;
  admins: { get: (server: string) => Promise<PeerCredentials | undefined>; set: (server: string, c: PeerCredentials) => Promise<void> };
  fetch: Fetch;
  /** Whether the peer at this URL is marked encrypted (issue #16); every peer is plain when absent. */
  isEncrypted?: (peerUrl: string) => Promise<boolean>;
}

/** A server link this app will not write, with the reason in its message. */
export class LinkRefused extends Error {
  override readonly name = 'LinkRefused';
}

/** Links between servers, with admin logins remembered on this device only. */
export class ServerLinks {
  constructor(private readonly deps: ServerLinksDeps) {}

  /** Links two peers both ways, run by the first one's server; remembers the admin login here. */
  async link(aUrl: string, bUrl: string, admin: PeerCredentials): Promise<void> {
    const isEncrypted = this.deps.isEncrypted ?? (() => Promise.resolve(false));
    const [aSealed, bSealed] = await Promise.all([isEncrypted(aUrl), isEncrypted(bUrl)]);
    if (aSealed !== bSealed) {
      throw new LinkRefused(
        `${aSealed ? aUrl : bUrl} is encrypted and ${aSealed ? bUrl : aUrl} is not: a server link copies documents as they are, so CouchDB would copy ciphertext into the plain peer and plain documents into the encrypted one. Link two encrypted peers, or two plain ones; this device relays between them meanwhile.`,
      );
    }
    const [aCreds, bCreds] = await Promise.all([this.deps.credentialsFor(aUrl), this.deps.credentialsFor(bUrl)]);
    await linkServers({ url: aUrl, credentials: aCreds }, { url: bUrl, credentials: bCreds }, admin, this.deps.fetch);
    await this.deps.admins.set(serverOf(aUrl), admin);
  }

  /**
   * Has the first peer's server also replicate the app (deploy-app's
   * database) to the second one's, which then serves it (sync/peers/appLink.ts).
   */
  async carryApp(aUrl: string, bUrl: string, adminA: PeerCredentials, adminB: PeerCredentials, policy: string): Promise<void> {
    await carryApp({ server: serverOf(aUrl), admin: adminA }, { server: serverOf(bUrl), admin: adminB }, policy, this.deps.fetch);
  }

  /** Links on every server this device has an admin login for. */
  async list(peerUrls: readonly string[]): Promise<Array<ServerLink & { server: string }>> {
    const servers = [...new Set(peerUrls.map(serverOf))];
    const found: Array<ServerLink & { server: string }> = [];
    for (const server of servers) {
      const admin = await this.deps.admins.get(server);
      if (!admin) continue;
      const links = await listLinks(server, admin, this.deps.fetch).catch(() => []);
      found.push(...links.map((l) => ({ ...l, server })));
    }
    return found;
  }

  async remove(server: string, docId: string): Promise<void> {
    const admin = await this.deps.admins.get(server);
    if (!admin) throw new Error(`no admin login for ${server} on this device`);
    await unlink(server, docId, admin, this.deps.fetch);
  }
}
