// Recreating a peer's database (as its server admin): copy what only it holds here, delete it, create it again with the same _security.
import type { PeerCredentials } from '../../domain/peer';
import { parsePeerUrl } from '../../domain/peerUrl';
import { copyServerOnly, type ReadJson } from './copyServerOnly';
import { authHeaders } from './probePeer';

/** Where recreating stopped. */
export type RecreateStep = 'reading' | 'copying' | 'deleting' | 'creating' | 'restoring';

/** Why a database was not recreated, one case per message the user can act on. */
export type RecreateProblem =
  /** Nothing answered (or not in time). */
  | { kind: 'unreachable'; step: RecreateStep }
  /** The server refused the admin name or password (HTTP 401). */
  | { kind: 'admin-refused' }
  /** Signed in, but not a server admin: only one may delete and create databases. */
  | { kind: 'not-admin' }
  /** The database is not on the server (deleted by someone else?): its _security is unknown, so nothing is done. */
  | { kind: 'gone' }
  /** The server holds revisions of these documents sealed, which this device has not opened yet: recreating would lose them. */
  | { kind: 'not-here'; docIds: string[] }
  /** Anything else the server answered, with its words. */
  | { kind: 'failed'; step: RecreateStep; status: number; detail: string };

/**
 * What the server had besides documents, kept to put back: its `_security`
 * and its design documents (never synced by the app, so only the server has them).
 */
export interface ServerSettings {
  security: Record<string, unknown>;
  designDocs: Array<Record<string, unknown>>;
}

export type RecreateResult =
  | { ok: true; copied: number; designDocs: number }
  /**
   * `saved` is set once the database may have been deleted: hand it back to
   * {@link recreateDatabase} to finish (the server no longer has it).
   */
  | { ok: false; problem: RecreateProblem; saved?: ServerSettings };

export interface RecreateInput {
  /** The peer's database URL, without credentials. */
  url: string;
  /** A server admin's login: used for these requests only, never kept. */
  admin: PeerCredentials;
  /** This device's database, where what only the server holds is copied first. */
  localDb: PouchDB.Database;
  fetch: typeof fetch;
  /** From a previous attempt that stopped after deleting. */
  saved?: ServerSettings;
  /** Per request; default 30 s. */
  timeoutMs?: number;
}

/** A failed request, with the step it belongs to. */
class StepError extends Error {
  constructor(
    readonly step: RecreateStep,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * Deletes a peer's database on its server and creates it again, empty, with
 * the `_security` (members and admins) and design documents it had, so that
 * the devices then send everything again (sealed, for an encrypted peer) and
 * nothing plain stays on the server, not even old revisions awaiting compaction.
 * @remarks The safe order: first every revision only the server holds is
 * copied to this device (copyServerOnly.ts), and a sealed one this device
 * has not opened yet stops everything before anything is deleted. Deleting
 * a database that is already gone, and creating one that already exists, are
 * taken as done, and an attempt cut short is finished with `saved`: the
 * database created again if it is gone, or the whole done again (copy
 * first included) with the settings kept from before if it is there.
 * The admin login goes only into Authorization headers, never into a URL,
 * a message or a log.
 */
export async function recreateDatabase(input: RecreateInput): Promise<RecreateResult> {
  const parsed = parsePeerUrl(input.url);
  if (!parsed.ok) return { ok: false, problem: { kind: 'failed', step: 'reading', status: 0, detail: 'not a database address' } };
  const { url, serverUrl } = parsed.value;
  const call = caller(input);
  let saved = input.saved;
  try {
    const adminProblem = await checkAdmin(call, serverUrl);
    if (adminProblem) return { ok: false, problem: adminProblem };
    const info = await call('reading', url, 'GET', undefined, [404]);
    // Gone before an earlier attempt could create it again: finish that attempt.
    if (info.status === 404) return saved ? await recreate(call, url, saved, 0) : { ok: false, problem: { kind: 'gone' } };
    const read: ReadJson = async (path, init) => (await call('copying', `${url}/${path}`, init?.method ?? 'GET', init?.body)).json;
    const copy = await copyServerOnly(read, input.localDb);
    if (copy.notCopied.length) return { ok: false, problem: { kind: 'not-here', docIds: copy.notCopied } };
    // An earlier attempt's settings win: a half-recreated database no longer has its own.
    saved ??= await readSettings(call, url);
    // From here on the server may have lost the database: the caller keeps `saved` to finish.
    await call('deleting', url, 'DELETE', undefined, [404]);
    return await recreate(call, url, saved, copy.copied);
  } catch (err) {
    const problem: RecreateProblem =
      err instanceof StepError
        ? err.status === 0
          ? { kind: 'unreachable', step: err.step }
          : { kind: 'failed', step: err.step, status: err.status, detail: err.message }
        : { kind: 'failed', step: 'copying', status: 0, detail: err instanceof Error ? err.message : String(err) };
    return { ok: false, problem, ...(saved ? { saved } : {}) };
  }
}

type Call = (step: RecreateStep, url: string, method: string, body?: unknown, alsoOk?: number[]) => Promise<{ status: number; json: unknown }>;

function caller(input: RecreateInput): Call {
  const headers = { Accept: 'application/json', 'Content-Type': 'application/json', ...authHeaders(input.admin) };
  return async (step, url, method, body, alsoOk = []) => {
    let res: Response;
    try {
      res = await input.fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(input.timeoutMs ?? 30_000),
      });
    } catch {
      throw new StepError(step, 0, 'no answer');
    }
    const json: unknown = await res.json().catch(() => undefined);
    if (!res.ok && !alsoOk.includes(res.status)) {
      const words = json as { error?: unknown; reason?: unknown } | undefined;
      throw new StepError(step, res.status, [words?.error, words?.reason].filter((w) => typeof w === 'string').join(': ') || `HTTP ${res.status}`);
    }
    return { status: res.status, json };
  };
}

/** Whether the login is a server admin (`_session` names the `_admin` role), before anything else is asked. */
async function checkAdmin(call: Call, serverUrl: string): Promise<RecreateProblem | undefined> {
  const session = await call('reading', `${serverUrl}/_session`, 'GET', undefined, [401]);
  if (session.status === 401) return { kind: 'admin-refused' };
  const roles = (session.json as { userCtx?: { roles?: unknown } } | undefined)?.userCtx?.roles;
  return Array.isArray(roles) && roles.includes('_admin') ? undefined : { kind: 'not-admin' };
}

/** The database's `_security` and its design documents, attachments inline. */
async function readSettings(call: Call, url: string): Promise<ServerSettings> {
  const security = (await call('reading', `${url}/_security`, 'GET')).json as Record<string, unknown>;
  const range = `startkey=${encodeURIComponent('"_design/"')}&endkey=${encodeURIComponent('"_design0"')}`;
  const all = (await call('reading', `${url}/_all_docs?${range}&include_docs=true&attachments=true`, 'GET')).json as {
    rows?: Array<{ doc?: Record<string, unknown> }>;
  };
  const designDocs = (all.rows ?? []).flatMap((row) => (row.doc ? [withoutRevision(row.doc)] : []));
  return { security: security ?? {}, designDocs };
}

/** A design document as a new one: no revision, attachments as type and data only. */
function withoutRevision(doc: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...doc };
  const atts = rest['_attachments'];
  delete rest['_rev'];
  delete rest['_attachments'];
  if (!atts || typeof atts !== 'object') return rest;
  const plain = Object.fromEntries(
    Object.entries(atts as Record<string, { content_type?: string; data?: string }>).map(([name, a]) => [name, { content_type: a.content_type, data: a.data }]),
  );
  return { ...rest, _attachments: plain };
}

async function recreate(call: Call, url: string, saved: ServerSettings, copied: number): Promise<RecreateResult> {
  // 412: created meanwhile by someone else; what they write merges with what the devices send.
  await call('creating', url, 'PUT', undefined, [412]);
  // Before any document: in CouchDB 3 a new database is admin-only, and its members must find it as before.
  await call('restoring', `${url}/_security`, 'PUT', saved.security);
  for (const doc of saved.designDocs) {
    // 409: already put back by an earlier attempt.
    await call('restoring', `${url}/${String(doc['_id']).split('/').map(encodeURIComponent).join('/')}`, 'PUT', doc, [409]);
  }
  return { ok: true, copied, designDocs: saved.designDocs.length };
}
