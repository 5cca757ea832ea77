// Puts the built app (dist/) on a CouchDB 3 server as one design document
// whose attachments are the built files, so the server serves p2pcloud itself
// ("couchapp") and every server that replicates that database serves the same
// version. Used by scripts/deploy-app.mjs and by `setup-peer --with-app`; the
// tests call deployApp() directly with their own fetch and log.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { appPolicy } from './contentSecurityPolicy.mjs';
import { contentTypeOf } from './contentTypes.mjs';
import { checkWelcome, ensureDatabase, readConfigAsAdmin, serverAndAdmin, setConfig } from './couchAdmin.mjs';
import { checkDbName, createClient, SetupPeerError, unexpected } from './setupPeerHttp.mjs';

/** The design document that holds the app; its attachments are the files of dist/. */
export const APP_DOC_ID = '_design/p2pcloud';
export const DEFAULT_APP_DB = 'p2pcloud-app';


// Only a server admin changes the app: CouchDB lets anyone write ordinary
// documents to a public database, and this database must hold code only.
const VALIDATE = `function (newDoc, oldDoc, userCtx) {
  if (userCtx.roles.indexOf('_admin') === -1) {
    throw({ forbidden: 'This database holds the p2pcloud app: only a server admin changes it (npm run deploy-app).' });
  }
}`;

/**
 * @typedef {object} DeployAppOptions
 * @property {string} url the CouchDB server, e.g. https://admin:PASS@pi.local:6984
 * @property {string} dist the built app's folder.
 * @property {string} [db] the database that holds the app (default p2pcloud-app).
 * @property {string} [notesDb] the notes database the app offers as its first peer (default notes).
 * @property {string} [admin] server admin name (else taken from the URL).
 * @property {string} [adminPassword] server admin password (else taken from the URL).
 * @property {number} [timeoutMs] per request (default 60 000: an upload is large).
 *
 * @typedef {object} DeployAppResult
 * @property {string} address the app's address on that server (no credentials).
 * @property {string[]} changes what this run changed; empty when the server already served this build.
 * @property {string[]} uploaded the files sent (new or changed).
 * @property {number} unchanged how many files the server already had.
 */

/** Runs `npm run build` for deploy-app and setup-peer --with-app; false (said on stderr) when it fails. */
export function buildApp() {
  console.log('Building the app (npm run build)…');
  try {
    execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return true;
  } catch {
    console.error('The build failed (see above); nothing was deployed.');
    return false;
  }
}

/** Every file of the build, by its path under dist/ with / separators; source maps stay home. */
async function readBuild(dist) {
  let names;
  try {
    names = await readdir(dist, { recursive: true, withFileTypes: true });
  } catch {
    throw new SetupPeerError('usage', `There is no build in ${dist}: run npm run build first (deploy-app does it unless --no-build).`);
  }
  const files = [];
  for (const entry of names) {
    if (!entry.isFile() || entry.name.endsWith('.map')) continue;
    const full = join(entry.parentPath ?? entry.path, entry.name);
    const name = relative(dist, full).split(sep).join('/');
    const data = await readFile(full);
    const digest = `md5-${createHash('md5').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('base64')}`;
    files.push({ name, data, digest, contentType: contentTypeOf(name) });
  }
  if (!files.some((f) => f.name === 'index.html')) throw new SetupPeerError('usage', `${dist} has no index.html: is it the app's build?`);
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

/** The app's database readable by anyone (its _security names no member), as a phone must load it before signing in. */
async function ensurePublic(request, ctx, db, say) {
  const path = `/${encodeURIComponent(db)}/_security`;
  const reply = await request('GET', path, { auth: ctx.adminAuth });
  if (reply.status !== 200) throw unexpected(`Reading the _security of "${db}"`, reply);
  const members = reply.json?.members;
  const isPublic = members && !members.names?.length && !members.roles?.length;
  if (isPublic) return say(`"${db}" is readable without a login (it holds the app's code only).`);
  const put = await request('PUT', path, {
    body: { ...reply.json, admins: { names: [], roles: [], ...reply.json?.admins }, members: { names: [], roles: [] } },
    auth: ctx.adminAuth,
  });
  if (put.status !== 200) throw unexpected(`Setting the _security of "${db}"`, put);
  ctx.changed(`made "${db}" readable without a login, so a phone can load the app before signing in (_security with no members)`);
}

/**
 * CouchDB 3.2+ serves attachments with `Content-Security-Policy: sandbox`,
 * under which no script runs. The app's own policy runs it and is still
 * strict (scripts only from the server itself, none inline, no eval).
 */
async function ensureAttachmentPolicy(request, ctx, config) {
  const csp = config.csp ?? {};
  const wanted = appPolicy();
  if (csp.attachments_enable === 'false') {
    ctx.warn('[csp] attachments_enable is "false" on this server: attachments get no Content-Security-Policy header; the app still carries its own in index.html.');
    return;
  }
  if (csp.attachments_header_value === wanted) return;
  await setConfig(request, ctx, 'csp', 'attachments_header_value', wanted);
  ctx.changed("serves attachments with the app's Content-Security-Policy instead of \"sandbox\", under which no script runs ([csp] attachments_header_value; this applies to every attachment on the server)");
}

/** The new design document: unchanged files as stubs, changed ones inline. */
function nextDesignDoc(current, files, notesDb) {
  const had = current?._attachments ?? {};
  const attachments = {};
  const uploaded = [];
  for (const file of files) {
    const old = had[file.name];
    if (old && old.digest === file.digest && old.content_type === file.contentType) {
      attachments[file.name] = { stub: true, content_type: old.content_type, digest: old.digest, length: old.length };
    } else {
      attachments[file.name] = { content_type: file.contentType, data: file.data.toString('base64') };
      uploaded.push(file.name);
    }
  }
  const removed = Object.keys(had).filter((name) => !files.some((f) => f.name === name));
  const p2pcloud = { notesDb };
  const sameMeta = JSON.stringify(current?.p2pcloud) === JSON.stringify(p2pcloud) && current?.validate_doc_update === VALIDATE;
  const isSame = uploaded.length === 0 && removed.length === 0 && sameMeta;
  const doc = { _id: APP_DOC_ID, ...(current?._rev ? { _rev: current._rev } : {}), p2pcloud, validate_doc_update: VALIDATE, _attachments: attachments };
  return { doc, uploaded, removed, isSame };
}

/** Writes the design document in one request: a phone loads either the old version whole or the new one whole. */
async function writeApp(request, ctx, db, files, notesDb) {
  const path = `/${encodeURIComponent(db)}/${APP_DOC_ID}`;
  for (let attempt = 0; ; attempt += 1) {
    const got = await request('GET', path, { auth: ctx.adminAuth });
    if (got.status !== 200 && got.status !== 404) throw unexpected(`Reading the app in "${db}"`, got);
    const next = nextDesignDoc(got.status === 200 ? got.json : undefined, files, notesDb);
    if (next.isSame) return { ...next, written: false };
    const put = await request('PUT', path, { body: next.doc, auth: ctx.adminAuth });
    if (put.status === 201 || put.status === 202) return { ...next, written: true };
    // Someone else deployed meanwhile: read their version and compare again.
    if (put.status === 409 && attempt < 2) continue;
    if (put.status === 413) {
      throw new SetupPeerError('http', `The server refused the upload as too large (HTTP 413). Raise [couchdb] max_document_size and [chttpd] max_http_request_size; nothing was changed.`);
    }
    if (put.status === 507 || /insufficient_storage|no space|enospc/i.test(JSON.stringify(put.json ?? ''))) {
      throw new SetupPeerError('no-space', `The server has no space left for the app (HTTP ${put.status}). Free some disk on it and run again; the app it served before is still served.`);
    }
    throw unexpected('Uploading the app', put);
  }
}

/**
 * Deploys the built app to a CouchDB 3 server and says where to open it.
 * @param {DeployAppOptions} options
 * @param {{ fetch: typeof fetch, log: (line: string) => void }} io
 * @returns {Promise<DeployAppResult>} rejects with a SetupPeerError.
 */
export async function deployApp(options, { fetch, log }) {
  const { target, adminAuth } = serverAndAdmin(options);
  const db = checkDbName(options.db ?? DEFAULT_APP_DB);
  const notesDb = checkDbName(options.notesDb ?? 'notes');
  const files = await readBuild(options.dist);
  /** @type {string[]} */
  const changes = [];
  const ctx = {
    target,
    adminAuth,
    changed: (what) => {
      changes.push(what);
      log(`Changed: ${what}.`);
    },
    warn: (what) => log(`Warning: ${what}`),
  };
  const request = createClient({ fetch, target, timeoutMs: options.timeoutMs ?? 60_000 });
  await checkWelcome(request, ctx, log);
  const config = await readConfigAsAdmin(request, ctx);
  log(`Signed in as the server admin "${adminAuth.name}".`);
  await ensureDatabase(request, ctx, db, log);
  await ensurePublic(request, ctx, db, log);
  await ensureAttachmentPolicy(request, ctx, config);
  const result = await writeApp(request, ctx, db, files, notesDb);
  const unchanged = files.length - result.uploaded.length;
  if (result.written) {
    ctx.changed(`uploaded ${result.uploaded.length} of ${files.length} files of the app (${unchanged} unchanged${result.removed.length ? `, ${result.removed.length} removed` : ''})`);
  } else {
    log(`The app on this server is already this build (${files.length} files).`);
  }
  const address = `${target.base}/${encodeURIComponent(db)}/${APP_DOC_ID}/index.html`;
  log('');
  log(changes.length === 0 ? 'Nothing changed: this server already serves this build.' : `Done: ${changes.length} change(s).`);
  log(`Open the app at: ${address}`);
  log(`It offers this server's "${notesDb}" database as its first peer; sign in with a CouchDB user who is a member of it (npm run setup-peer -- … --user NAME).`);
  return { address, changes, uploaded: result.uploaded, unchanged };
}
