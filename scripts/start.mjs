// `npm start`: serves the built app and runs an embedded CouchDB-protocol
// peer beside it, with its data on disk in .peer-data/ (kept across runs).
// The app offers the peer as its first one (through /local-peer.json).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startPeerServer } from './lib/peerServer.mjs';
import { startStaticServer } from './lib/staticServer.mjs';

const APP_PORT = Number(process.env.PORT ?? 8080);
const PEER_PORT = Number(process.env.PEER_PORT ?? 5985);
const DATA_DIR = resolve(process.env.PEER_DATA_DIR ?? '.peer-data');
const DB_NAME = 'p2pcloud';

if (!existsSync('dist/index.html')) {
  console.error('dist/ is missing: run `npm run build` first (npm start does it for you).');
  process.exit(1);
}

/** The embedded peer's admin, created on first run and kept in .peer-data/ (never committed). */
function loadOrCreateAdmin() {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = resolve(DATA_DIR, 'admin.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const admin = { username: 'admin', password: randomBytes(12).toString('base64url') };
  writeFileSync(file, JSON.stringify(admin, null, 2), { mode: 0o600 });
  return admin;
}

async function listen(start, port) {
  try {
    return await start(port);
  } catch (err) {
    if (err && err.code === 'EADDRINUSE') {
      console.warn(`port ${port} is busy; using a free one instead`);
      return start(0);
    }
    throw err;
  }
}

const admin = loadOrCreateAdmin();
const peer = await listen(
  (port) =>
    startPeerServer({
      port,
      dataDir: resolve(DATA_DIR, 'db'),
      admins: { [admin.username]: admin.password },
      databases: [DB_NAME],
    }),
  PEER_PORT,
);
const app = await listen(
  (port) =>
    startStaticServer({
      root: resolve('dist'),
      port,
      host: '127.0.0.1',
      // Served only to this machine (loopback), for the app's "Use it" offer.
      localPeer: { url: peer.dbUrl(DB_NAME), username: admin.username, password: admin.password },
    }),
  APP_PORT,
);

const appUrl = app.origin.replace('127.0.0.1', 'localhost');
console.log(`p2pcloud app:       ${appUrl}/`);
console.log(`embedded peer:      ${peer.dbUrl(DB_NAME)}  (CouchDB protocol, data in ${DATA_DIR})`);
console.log(`peer admin login:   user "${admin.username}", password in ${resolve(DATA_DIR, 'admin.json')}`);
console.log('Press Ctrl+C to stop.');

const stop = async () => {
  await Promise.allSettled([app.close(), peer.close()]);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
