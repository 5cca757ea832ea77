// The peer the bench syncs with: scripts/lib/peerServer.mjs in memory, on
// loopback, with members authentication as a CouchDB 3 peer has it. The
// bench creates, seeds and deletes databases through its HTTP API.
import { startPeerServer } from '../lib/peerServer.mjs';
import { benchDocs } from './docs.mjs';

export const MEMBER = { username: 'bench', password: 'bench-member-password' };
const ADMIN = { username: 'admin', password: 'bench-admin-password' };

const basic = ({ username, password }) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * Starts the peer.
 * @returns {Promise<{ target(db: string): { url: string, username: string, password: string },
 *   create(db: string): Promise<void>, remove(db: string): Promise<void>,
 *   seed(db: string, n: number): Promise<void>, count(db: string): Promise<number>, close(): Promise<void> }>}
 */
export async function startBenchPeer() {
  const server = await startPeerServer({
    members: { [MEMBER.username]: MEMBER.password },
    admins: { [ADMIN.username]: ADMIN.password },
  });
  const call = async (method, path, body, who = ADMIN) => {
    const res = await fetch(`${server.origin}/${path}`, {
      method,
      headers: { Authorization: basic(who), 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} /${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    target: (db) => ({ url: server.dbUrl(db), ...MEMBER }),
    create: async (db) => void (await call('PUT', db)),
    remove: async (db) => void (await call('DELETE', db)),
    seed: async (db, n) => {
      for (let from = 0; from < n; from += 2000) {
        const docs = benchDocs(from, Math.min(n, from + 2000));
        await call('POST', `${db}/_bulk_docs`, { docs, new_edits: false }, MEMBER);
      }
    },
    count: async (db) => (await call('GET', db, undefined, MEMBER)).doc_count,
    close: () => server.close(),
  };
}
