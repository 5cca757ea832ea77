// A CouchDB-protocol peer on loopback: express-pouchdb behind layers that make
// it answer like Apache CouchDB 3 where p2pcloud and its tools look:
// authentication (admins, the `members` option, the _users database) and
// per-database _security, public databases readable without a login
// (peerAuth, peerSecurity, peerUsers), attachments served with CouchDB's
// Content-Security-Policy ([csp], peerConfig), the
// /_node/_local/_config API and config-driven CORS (peerConfig), and the
// _replicator database with /_scheduler/docs (peerReplicator). Used by
// `npm start` (the embedded local peer, data on disk) and by every test and
// benchmark (data in memory).
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { authLayer } from './peerAuth.mjs';
import { attachmentCspLayer, configRoutes, corsFromConfigLayer, createConfig } from './peerConfig.mjs';
import { DEFAULT_ITERATIONS, formatAdminHash, hashPassword } from './peerPasswords.mjs';
import { createReplicator, REPLICATOR_DB } from './peerReplicator.mjs';
import { createSecurityStore, securityRoutes } from './peerSecurity.mjs';
import { validationLayer } from './peerValidation.mjs';
import { USERS_DB, usersWriteLayer } from './peerUsers.mjs';

const require = createRequire(import.meta.url);

/**
 * @typedef {object} PeerServerOptions
 * @property {number} [port] 0 (default) picks a free port.
 * @property {Record<string, string>} [admins] name -> password; server admins
 *   (kept hashed in the config's [admins] section, where more can be added).
 * @property {Record<string, string>} [members] name -> password; members of
 *   every database whose _security lists no members.
 * @property {boolean} [cors] answer CORS requests from any origin (default
 *   true), like CouchDB with enable_cors and origins = *. Ignored when
 *   `corsFromConfig` is set.
 * @property {boolean} [corsFromConfig] decide CORS from the config instead,
 *   as CouchDB does: off until chttpd/enable_cors is "true", and then only for
 *   the origins in cors/origins.
 * @property {string} [dataDir] keep data on disk here (LevelDB); in memory when absent.
 * @property {string[]} [databases] databases to create at start.
 * @property {number} [maxDocumentBytes] refuse larger documents in _bulk_docs
 *   with a per-document `too_large` error, as CouchDB's max_document_size does
 *   (it is couchdb/max_document_size in the config).
 * @property {boolean} [validateDocUpdate] run design documents'
 *   validate_doc_update functions on _bulk_docs, as CouchDB always does
 *   (peerValidation.mjs). Off by default: it reads the design documents
 *   before each write, which the benchmarks need not pay for.
 */

/**
 * @typedef {object} PeerServer
 * @property {string} origin e.g. http://127.0.0.1:5984
 * @property {number} port
 * @property {(db: string) => string} dbUrl the database URL, without credentials.
 * @property {() => Promise<void>} close stops its replications, stops
 *   listening and drops open connections.
 */

let memoryPeerCount = 0;
let basePouch = null;

/**
 * PouchDB for Node with the memory, LevelDB and HTTP adapters and replication.
 * @remarks PouchDB plugins patch the one pouchdb-core constructor in place and
 * throw if applied twice, so every Node-side user gets it from here.
 * @returns {PouchDB.Static}
 */
export function nodePouchDB() {
  if (!basePouch) {
    basePouch = require('pouchdb-core')
      .plugin(require('pouchdb-adapter-http'))
      .plugin(require('pouchdb-mapreduce'))
      .plugin(require('pouchdb-replication'))
      .plugin(require('pouchdb-adapter-memory'))
      .plugin(require('pouchdb-adapter-leveldb'));
  }
  return basePouch;
}

function buildPouch(dataDir) {
  const PouchDB = nodePouchDB();
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    return PouchDB.defaults({ adapter: 'leveldb', prefix: dataDir.endsWith('/') ? dataDir : `${dataDir}/` });
  }
  // memdown stores are global to the process by name: a prefix keeps two
  // peers in one test process from silently sharing one database.
  memoryPeerCount += 1;
  return PouchDB.defaults({ adapter: 'memory', prefix: `peer${memoryPeerCount}-` });
}

/** CORS as CouchDB does it with origins = * and credentials = true: echo the origin. */
function corsLayer(enabled) {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (!enabled || !origin) return next();
    res.set('Access-Control-Allow-Origin', origin);
    res.set('Access-Control-Allow-Credentials', 'true');
    res.set('Vary', 'Origin');
    if (req.method === 'OPTIONS') {
      res.set('Access-Control-Allow-Methods', 'GET, PUT, POST, HEAD, DELETE, OPTIONS');
      res.set(
        'Access-Control-Allow-Headers',
        req.headers['access-control-request-headers'] || 'accept, authorization, content-type, origin, referer',
      );
      res.set('Access-Control-Max-Age', '600');
      return res.status(204).end();
    }
    return next();
  };
}

/**
 * Enforces a document size limit the way CouchDB 3 reports it in _bulk_docs:
 * the other documents are written, the oversized ones get `too_large`.
 */
function documentSizeLimit(PouchDB, getMaxBytes) {
  const json = require('body-parser').json({ limit: '256mb' });
  return (req, res, next) => {
    const maxBytes = getMaxBytes();
    if (!maxBytes || req.method !== 'POST' || !/^\/[^/_][^/]*\/_bulk_docs$/.test(req.path)) return next();
    json(req, res, async (err) => {
      if (err) return next(err);
      const docs = Array.isArray(req.body?.docs) ? req.body.docs : [];
      const tooLarge = (doc) => Buffer.byteLength(JSON.stringify(doc)) > maxBytes;
      if (!docs.some(tooLarge)) return next();
      const db = new PouchDB(decodeURIComponent(req.path.split('/')[1]));
      const fitting = docs.filter((d) => !tooLarge(d));
      const options = 'new_edits' in req.body ? { new_edits: req.body.new_edits } : {};
      const written = fitting.length ? await db.bulkDocs(fitting, options) : [];
      const results = [
        ...written.map((r) => (r.error ? { id: r.id, error: r.name, reason: r.message } : r)),
        ...docs.filter(tooLarge).map((d) => ({ id: d._id, error: 'too_large', reason: 'the document is too large' })),
      ];
      res.status(201).set('Content-Type', 'application/json').send(JSON.stringify(results));
    });
  };
}

/**
 * The config a fresh CouchDB 3 single node would show, as far as it matters
 * here; admins are stored hashed, as CouchDB rewrites them on start.
 * @param {PeerServerOptions} options
 */
async function initialConfig(options) {
  const admins = {};
  for (const [name, password] of Object.entries(options.admins ?? {})) {
    admins[name] = formatAdminHash(await hashPassword(password));
  }
  const legacyCors = !options.corsFromConfig;
  return createConfig({
    admins,
    couchdb: {
      single_node: 'true',
      users_db_suffix: USERS_DB,
      uuid: randomBytes(16).toString('hex'),
      ...(options.maxDocumentBytes ? { max_document_size: String(options.maxDocumentBytes) } : {}),
    },
    chttpd: {
      bind_address: '127.0.0.1',
      port: String(options.port ?? 0),
      enable_cors: String(legacyCors && options.cors !== false),
    },
    chttpd_auth: { iterations: String(DEFAULT_ITERATIONS), pbkdf2_prf: 'sha256' },
    // With the `cors` option this only describes what the fixed layer does.
    cors: legacyCors ? { origins: '*', credentials: 'true' } : { credentials: 'false' },
  });
}

/**
 * Starts a peer and resolves once it listens on 127.0.0.1.
 * @param {PeerServerOptions} [options]
 * @returns {Promise<PeerServer>}
 */
export async function startPeerServer(options = {}) {
  const express = require('express');
  const expressPouchdb = require('express-pouchdb');
  const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs');
  const PouchDB = buildPouch(options.dataDir);
  const members = options.members ?? {};
  const config = await initialConfig(options);
  const security = createSecurityStore(PouchDB);
  const replicator = createReplicator({ PouchDB, HttpPouchDB: nodePouchDB() });
  const app = express();
  app.disable('x-powered-by');
  app.use(options.corsFromConfig ? corsFromConfigLayer(config) : corsLayer(options.cors !== false));
  app.use(authLayer({ config, members, PouchDB, security }));
  app.use(configRoutes(config));
  app.use(attachmentCspLayer(config));
  app.use(replicator.routes());
  app.use(securityRoutes(security));
  app.use(usersWriteLayer(PouchDB, config));
  app.use(documentSizeLimit(PouchDB, () => Number(config.get('couchdb', 'max_document_size')) || 0));
  if (options.validateDocUpdate) app.use(validationLayer(PouchDB));
  app.use(
    expressPouchdb(PouchDB, {
      mode: 'minimumForPouchDB',
      inMemoryConfig: true,
      logPath: options.dataDir ? `${options.dataDir}/log.txt` : undefined,
    }),
  );
  // A CouchDB 3 single node has _users and _replicator.
  for (const name of [USERS_DB, REPLICATOR_DB, ...(options.databases ?? [])]) {
    // Opening a PouchDB creates it; express-pouchdb then lists and serves it.
    await (await getOrCreateDB(PouchDB, name)).info();
  }
  const server = http.createServer(app);
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  config.set('chttpd', 'port', String(port));
  // Only now: a replication may well point at this very server.
  await replicator.start();
  return {
    origin,
    port,
    dbUrl: (db) => `${origin}/${db}`,
    close: async () => {
      await replicator.close();
      await new Promise((resolve) => {
        // Live replications hold long-poll connections open; drop them so the
        // peer really is gone, as when a Raspberry Pi loses power.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      });
    },
  };
}
