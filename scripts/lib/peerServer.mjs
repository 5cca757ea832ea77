// A CouchDB-protocol peer on loopback: express-pouchdb behind an authentication
// gate that behaves like Apache CouchDB 3 (anonymous requests to databases are
// refused; only the welcome document at `/` is public) and a CORS layer that
// behaves like CouchDB's [cors] section. Used by `npm start` (the embedded
// local peer, data on disk) and by every test and benchmark (data in memory).
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import http from 'node:http';

const require = createRequire(import.meta.url);

/**
 * @typedef {object} PeerServerOptions
 * @property {number} [port] 0 (default) picks a free port.
 * @property {Record<string, string>} [admins] name -> password; admins may create databases.
 * @property {Record<string, string>} [members] name -> password; members may read and write every database.
 * @property {boolean} [cors] answer CORS requests (default true), like CouchDB's enable_cors.
 * @property {string} [dataDir] keep data on disk here (LevelDB); in memory when absent.
 * @property {string[]} [databases] databases to create at start.
 * @property {number} [maxDocumentBytes] refuse larger documents in _bulk_docs
 *   with a per-document `too_large` error, as CouchDB's max_document_size does.
 */

/**
 * @typedef {object} PeerServer
 * @property {string} origin e.g. http://127.0.0.1:5984
 * @property {number} port
 * @property {(db: string) => string} dbUrl the database URL, without credentials.
 * @property {() => Promise<void>} close stops listening and drops open connections.
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

function parseBasic(header) {
  if (!header || !header.startsWith('Basic ')) return null;
  const raw = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return null;
  return { name: raw.slice(0, i), password: raw.slice(i + 1) };
}

function sendJson(res, status, body) {
  res.status(status).set('Content-Type', 'application/json').send(JSON.stringify(body));
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

/** Refuses what CouchDB 3 refuses: anonymous or wrong-password access to data, non-admin database creation. */
function authLayer(admins, members) {
  return (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    if (req.path === '/' && req.method === 'GET') {
      return sendJson(res, 200, {
        // The shape of CouchDB's welcome, honest about what answers.
        couchdb: 'Welcome',
        version: 'express-pouchdb',
        vendor: { name: 'PouchDB Server' },
      });
    }
    const creds = parseBasic(req.headers.authorization);
    if (!creds) {
      return sendJson(res, 401, { error: 'unauthorized', reason: 'You are not authorized to access this db.' });
    }
    const isAdmin = admins[creds.name] !== undefined && admins[creds.name] === creds.password;
    const isMember = members[creds.name] !== undefined && members[creds.name] === creds.password;
    if (!isAdmin && !isMember) {
      return sendJson(res, 401, { error: 'unauthorized', reason: 'Name or password is incorrect.' });
    }
    const isDbLevel = /^\/[^/_][^/]*\/?$/.test(req.path);
    if (!isAdmin && isDbLevel && (req.method === 'PUT' || req.method === 'DELETE')) {
      return sendJson(res, 403, { error: 'forbidden', reason: 'You are not a server admin.' });
    }
    if (!isAdmin && req.path.startsWith('/_') && req.path !== '/_session' && req.path !== '/_uuids') {
      return sendJson(res, 403, { error: 'forbidden', reason: 'You are not a server admin.' });
    }
    return next();
  };
}

/**
 * Enforces a document size limit the way CouchDB 3 reports it in _bulk_docs:
 * the other documents are written, the oversized ones get `too_large`.
 */
function documentSizeLimit(PouchDB, maxBytes) {
  const json = require('body-parser').json({ limit: '256mb' });
  return (req, res, next) => {
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
 * Starts a peer and resolves once it listens on 127.0.0.1.
 * @param {PeerServerOptions} [options]
 * @returns {Promise<PeerServer>}
 */
export async function startPeerServer(options = {}) {
  const express = require('express');
  const expressPouchdb = require('express-pouchdb');
  const PouchDB = buildPouch(options.dataDir);
  const admins = options.admins ?? {};
  const members = options.members ?? {};
  const app = express();
  app.disable('x-powered-by');
  app.use(corsLayer(options.cors !== false));
  app.use(authLayer(admins, members));
  app.use(documentSizeLimit(PouchDB, options.maxDocumentBytes));
  app.use(
    expressPouchdb(PouchDB, {
      mode: 'minimumForPouchDB',
      inMemoryConfig: true,
      logPath: options.dataDir ? `${options.dataDir}/log.txt` : undefined,
    }),
  );
  for (const name of options.databases ?? []) {
    // Opening a PouchDB creates it; express-pouchdb then lists and serves it.
    await new PouchDB(name).info();
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
  return {
    origin,
    port,
    dbUrl: (db) => `${origin}/${db}`,
    close: () =>
      new Promise((resolve) => {
        // Live replications hold long-poll connections open; drop them so the
        // peer really is gone, as when a Raspberry Pi loses power.
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
