import { startPeerServer, type PeerServer, type PeerServerOptions } from '../../scripts/lib/peerServer.mjs';

/** The test user every test peer knows, as a CouchDB 3 database member. */
export const MEMBER = { username: 'alice', password: 'wonderland' } as const;
/** The test server admin. */
export const ADMIN = { username: 'admin', password: 'secret-admin' } as const;

/** Starts a CouchDB-protocol peer on a free loopback port, with authentication on. */
export function startTestPeer(options: PeerServerOptions = {}): Promise<PeerServer> {
  return startPeerServer({
    members: { [MEMBER.username]: MEMBER.password },
    admins: { [ADMIN.username]: ADMIN.password },
    databases: ['notes'],
    ...options,
  });
}

export type { PeerServer };
