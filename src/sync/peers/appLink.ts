// A server link that carries the app itself to a second server (deploy-app's database).
import type { PeerCredentials } from '../../domain/peer';
import { authHeaders } from './probePeer';
import { linkId } from './linkIds';

/**
 * The app spreads like data: a server that serves p2pcloud (npm run
 * deploy-app) replicates its app database to another server, which then
 * serves the same version, and every later deploy, with no deploy of its own.
 */

/** The database deploy-app puts the app in (scripts/lib/deployApp.mjs). */
export const APP_DB = 'p2pcloud-app';
const APP_DOC = '_design/p2pcloud';

type Fetch = typeof fetch;

/** A failure with a message for the person who asked for the link. */
export class AppLinkError extends Error {
  override readonly name = 'AppLinkError';
}

async function ensureOk(res: Response, what: string, server: string): Promise<void> {
  if (res.ok) return;
  if (res.status === 401 || res.status === 403) {
    throw new AppLinkError(`${what} on ${server} was refused (HTTP ${res.status}): the admin login of that server is needed.`);
  }
  const body = (await res.json().catch(() => ({}))) as { error?: string; reason?: string };
  throw new AppLinkError(`${what} on ${server} failed: HTTP ${res.status} ${body.error ?? ''} ${body.reason ?? ''}`.trim());
}

/**
 * Prepares `target` to serve the app as deploy-app would (its app database,
 * readable without a login; attachments served under the app's own policy
 * instead of CouchDB's `sandbox`), then has `source` replicate its app
 * database there continuously, one way: deploys go to the source.
 * @param policy the app's Content-Security-Policy, as its page carries it.
 * @remarks The replication document lives on the source server, with the
 * target's admin login in it (a design document needs a database admin to
 * be written), readable by the source's admins only, as CouchDB 3 keeps them.
 */
export async function carryApp(
  source: { server: string; admin: PeerCredentials },
  target: { server: string; admin: PeerCredentials },
  policy: string,
  fetchFn: Fetch,
): Promise<void> {
  const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const asSource = { ...json, ...authHeaders(source.admin) };
  const app = await fetchFn(`${source.server}/${APP_DB}/${APP_DOC}`, { headers: asSource });
  if (app.status === 404) {
    throw new AppLinkError(`${source.server} does not serve the app: run npm run deploy-app for it first.`);
  }
  await ensureOk(app, 'Reading the app', source.server);

  const asTarget = { ...json, ...authHeaders(target.admin) };
  const created = await fetchFn(`${target.server}/${APP_DB}`, { method: 'PUT', headers: asTarget });
  if (created.status !== 412) await ensureOk(created, 'Creating the app database', target.server);
  await ensureOk(
    await fetchFn(`${target.server}/${APP_DB}/_security`, {
      method: 'PUT',
      headers: asTarget,
      body: JSON.stringify({ admins: { names: [], roles: [] }, members: { names: [], roles: [] } }),
    }),
    'Making the app database readable without a login',
    target.server,
  );
  await ensureOk(
    await fetchFn(`${target.server}/_node/_local/_config/csp/attachments_header_value`, {
      method: 'PUT',
      headers: asTarget,
      body: JSON.stringify(policy),
    }),
    "Setting the app's Content-Security-Policy for attachments",
    target.server,
  );

  const from = `${source.server}/${APP_DB}`;
  const to = `${target.server}/${APP_DB}`;
  const url = `${source.server}/_replicator/${encodeURIComponent(linkId(from, to))}`;
  const existing = await fetchFn(url, { headers: asSource });
  const rev = existing.ok ? ((await existing.json()) as { _rev?: string })._rev : undefined;
  const doc = {
    source: { url: from, headers: authHeaders(source.admin) },
    target: { url: to, headers: authHeaders(target.admin) },
    continuous: true,
    ...(rev ? { _rev: rev } : {}),
  };
  await ensureOk(await fetchFn(url, { method: 'PUT', headers: asSource, body: JSON.stringify(doc) }), 'Writing the link', source.server);
}
