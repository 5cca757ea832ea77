// CouchDB 3's replicator, emulated: documents in the _replicator database
// start replications that run inside the server process (PouchDB over HTTP),
// and /_scheduler/docs reports their state. Like CouchDB 3, the state is not
// written back into the documents, and credentials never leave the documents:
// URLs shown by the scheduler have the password replaced by *****.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathSegments, sendJson } from './peerHttp.mjs';

const require = createRequire(import.meta.url);
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs');

export const REPLICATOR_DB = '_replicator';
const NODE = 'nonode@nohost';
const MAX_BACK_OFF_MS = 60_000;

/**
 * @typedef {object} Job
 * @property {string} docId
 * @property {string} id the replication id
 * @property {string} source shown, password redacted
 * @property {string} target shown, password redacted
 * @property {'running'|'crashing'|'failed'|'completed'} state
 * @property {Record<string, unknown> | null} info
 * @property {number} error_count
 * @property {string} start_time
 * @property {string} last_updated
 * @property {any} [replication] the PouchDB replication, while it runs
 * @property {any[]} [handles] its source and target PouchDB objects
 * @property {ReturnType<typeof setTimeout>} [restartTimer]
 */

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * Hides `user:password@` the way CouchDB's scheduler does, in URLs and in
 * error messages that might quote one.
 * @param {string} text
 * @returns {string}
 */
export function redactCredentials(text) {
  return text.replace(/(\/\/[^/@\s:]*):[^/@\s]*@/g, '$1:*****@');
}

/**
 * A replication endpoint from a _replicator document: a URL (credentials
 * allowed in it) or `{ url, headers?, auth?: { basic: { username, password } } }`.
 * CouchDB 3 dropped local database names, so a name that is not a URL is refused.
 * @param {unknown} endpoint
 * @returns {{ url: string, shown: string, options: Record<string, unknown> }}
 */
function parseEndpoint(endpoint) {
  const spec = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  if (!spec || typeof spec !== 'object' || typeof spec.url !== 'string') throw new Error('source and target must be URLs or objects with a url');
  let url;
  try {
    url = new URL(spec.url);
  } catch {
    throw new Error(`not a URL (CouchDB 3 replicates only between URLs): ${redactCredentials(spec.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported protocol ${url.protocol}`);
  const headers = { ...(spec.headers && typeof spec.headers === 'object' ? spec.headers : {}) };
  const basic = spec.auth?.basic;
  const auth = url.username
    ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : basic && typeof basic.username === 'string'
      ? { username: basic.username, password: String(basic.password ?? '') }
      : undefined;
  const shownUser = auth ? `${encodeURIComponent(auth.username)}:*****@` : '';
  url.username = '';
  url.password = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  const hasAuthHeader = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  return {
    url: url.href,
    shown: url.href.replace('//', `//${shownUser}`),
    // PouchDB appends `headers` after setting Authorization from `auth`, so
    // only one of the two may carry it.
    options: { headers, ...(auth && !hasAuthHeader ? { auth } : {}) },
  };
}

/**
 * Runs the replications of one server's _replicator database.
 * @param {{ PouchDB: any, HttpPouchDB: any }} deps the server's PouchDB, and
 *   the Node PouchDB with the http adapter for the endpoints.
 */
export function createReplicator({ PouchDB, HttpPouchDB }) {
  /** @type {Map<string, Job>} */
  const jobs = new Map();
  /** @type {Set<Promise<unknown>>} */
  const stopping = new Set();
  let feed = null;
  let closed = false;

  /** Lets go of a replication's endpoints (PouchDB keeps a reference to every open database). */
  function release(handles) {
    for (const handle of handles ?? []) handle.close().catch(() => undefined);
  }

  function stopJob(docId) {
    const job = jobs.get(docId);
    if (!job) return;
    jobs.delete(docId);
    clearTimeout(job.restartTimer);
    const { replication, handles } = job;
    job.replication = undefined;
    job.handles = undefined;
    if (!replication) return release(handles);
    const done = new Promise((resolve) => {
      replication.once('complete', resolve);
      replication.once('error', resolve);
    });
    stopping.add(done);
    void done.then(() => {
      stopping.delete(done);
      release(handles);
    });
    replication.cancel();
  }

  function failJob(job, message) {
    job.state = 'failed';
    job.info = { error: redactCredentials(message) };
    job.error_count += 1;
    job.last_updated = now();
  }

  function run(job, doc, source, target) {
    const continuous = doc.continuous === true;
    const src = new HttpPouchDB(source.url, { adapter: 'http', skip_setup: true, ...source.options });
    const tgt = new HttpPouchDB(target.url, { adapter: 'http', skip_setup: doc.create_target !== true, ...target.options });
    // PouchDB's replicator calls info() after each batch without handling a
    // rejection; an endpoint that goes away mid-batch would crash the host
    // process with an unhandled rejection (the app patches the same leak in
    // src/sync/catchUp/hardenRemote.ts). The next request fails and is retried anyway.
    for (const db of [src, tgt]) {
      const info = db.info.bind(db);
      db.info = () => info().catch(() => ({ db_name: db.name, doc_count: 0, update_seq: 0 }));
    }
    const replication = HttpPouchDB.replicate(src, tgt, {
      live: continuous,
      retry: true,
      back_off_function: (delay) => Math.min(MAX_BACK_OFF_MS, Math.max(1000, delay * 2)),
      ...(Array.isArray(doc.doc_ids) ? { doc_ids: doc.doc_ids } : {}),
      ...(doc.selector && typeof doc.selector === 'object' ? { selector: doc.selector } : {}),
      ...(doc.since_seq !== undefined ? { since: doc.since_seq } : {}),
    });
    job.replication = replication;
    job.handles = [src, tgt];
    const current = () => jobs.get(job.docId) === job && job.replication === replication;
    const update = (state, info) => {
      if (!current()) return;
      job.state = state;
      if (info !== undefined) job.info = info;
      job.last_updated = now();
    };
    replication.on('active', () => update('running', undefined));
    replication.on('change', (info) =>
      update('running', {
        docs_read: info.docs_read,
        docs_written: info.docs_written,
        doc_write_failures: info.doc_write_failures,
        changes_pending: info.pending ?? null,
        checkpointed_source_seq: info.last_seq,
        through_seq: info.last_seq,
      }),
    );
    replication.on('paused', (err) => {
      if (!err) return update('running', undefined);
      if (current()) job.error_count += 1;
      return update('crashing', { error: redactCredentials(String(err.message ?? err.name ?? err)) });
    });
    replication.on('complete', (result) => {
      if (!current() || result?.status === 'cancelled') return;
      job.replication = undefined;
      release(job.handles);
      job.handles = undefined;
      job.state = 'completed';
      job.info = { docs_read: result.docs_read, docs_written: result.docs_written, doc_write_failures: result.doc_write_failures };
      job.last_updated = now();
    });
    replication.on('error', (err) => {
      // PouchDB gives up on 401/403; CouchDB keeps retrying with back-off,
      // so a fixed password on the other side lets the job recover.
      if (!current()) return;
      job.replication = undefined;
      release(job.handles);
      job.handles = undefined;
      job.error_count += 1;
      job.state = 'crashing';
      job.info = { error: redactCredentials(String(err?.message ?? err?.name ?? err)) };
      job.last_updated = now();
      const delay = Math.min(MAX_BACK_OFF_MS, 1000 * 2 ** Math.min(job.error_count, 6));
      job.restartTimer = setTimeout(() => {
        if (jobs.get(job.docId) === job && !closed) run(job, doc, source, target);
      }, delay);
    });
  }

  function startJob(doc) {
    const docId = doc._id;
    const time = now();
    /** @type {Job} */
    const job = { docId, id: '', source: '', target: '', state: 'running', info: null, error_count: 0, start_time: time, last_updated: time };
    jobs.set(docId, job);
    let source;
    let target;
    try {
      source = parseEndpoint(doc.source);
      target = parseEndpoint(doc.target);
    } catch (err) {
      job.source = typeof doc.source === 'string' ? redactCredentials(doc.source) : '';
      job.target = typeof doc.target === 'string' ? redactCredentials(doc.target) : '';
      return failJob(job, err instanceof Error ? err.message : String(err));
    }
    job.source = source.shown;
    job.target = target.shown;
    const continuous = doc.continuous === true;
    // Like CouchDB's replication id: a digest of what makes two replications the same.
    const key = JSON.stringify([source.url, target.url, doc.doc_ids ?? null, doc.selector ?? null, doc.create_target === true]);
    job.id = createHash('md5').update(key).digest('hex') + (continuous ? '+continuous' : '') + (doc.create_target === true ? '+create_target' : '');
    return run(job, doc, source, target);
  }

  function onDocChange(change) {
    if (closed || change.id.startsWith('_design/')) return;
    stopJob(change.id);
    if (!change.deleted && change.doc) startJob(change.doc);
  }

  /** @param {Job} job */
  const docEntry = (job) => ({
    database: REPLICATOR_DB,
    doc_id: job.docId,
    id: job.id || null,
    node: NODE,
    source: job.source,
    target: job.target,
    state: job.state,
    info: job.info,
    error_count: job.error_count,
    last_updated: job.last_updated,
    start_time: job.start_time,
    source_proxy: null,
    target_proxy: null,
  });

  return {
    /** Follows _replicator from the start, so documents kept on disk resume their replications. */
    async start() {
      const db = await getOrCreateDB(PouchDB, REPLICATOR_DB);
      feed = db.changes({ live: true, since: 0, include_docs: true });
      feed.on('change', onDocChange);
      // The feed ends if someone deletes _replicator; its replications end with it.
      feed.on('complete', () => [...jobs.keys()].forEach(stopJob));
      feed.on('error', () => [...jobs.keys()].forEach(stopJob));
    },

    /** GET /_scheduler/docs[/_replicator[/{docid}]] and GET /_scheduler/jobs (server admins only). */
    routes() {
      return (req, res, next) => {
        const [scheduler, kind, db, ...docParts] = pathSegments(req);
        if (scheduler !== '_scheduler') return next();
        if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed', reason: 'Only GET allowed' });
        const all = [...jobs.values()].sort((a, b) => a.docId.localeCompare(b.docId));
        if (kind === 'jobs' && db === undefined) {
          const running = all.filter((j) => j.replication);
          const entries = running.map((j) => ({
            database: REPLICATOR_DB, doc_id: j.docId, id: j.id, node: NODE, source: j.source, target: j.target,
            user: null, start_time: j.start_time, info: j.info, history: [{ timestamp: j.start_time, type: 'started' }],
          }));
          return sendJson(res, 200, { total_rows: entries.length, offset: 0, jobs: entries });
        }
        if (kind !== 'docs' || (db !== undefined && db !== REPLICATOR_DB)) return sendJson(res, 404, { error: 'not_found', reason: 'missing' });
        if (docParts.length === 0) return sendJson(res, 200, { total_rows: all.length, offset: 0, docs: all.map(docEntry) });
        const job = jobs.get(docParts.join('/'));
        return job ? sendJson(res, 200, docEntry(job)) : sendJson(res, 404, { error: 'not_found', reason: 'unknown' });
      };
    },

    /** Stops following _replicator and cancels every replication. */
    async close() {
      closed = true;
      feed?.cancel();
      [...jobs.keys()].forEach(stopJob);
      // Bounded: a replication waiting out a back-off only completes when its timer fires.
      let timer;
      await Promise.race([Promise.allSettled([...stopping]), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
    },
  };
}
