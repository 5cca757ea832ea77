export interface SetupPeerOptions {
  /** The CouchDB server, e.g. https://admin:PASS@pi.local:6984 (admin credentials may be in it). */
  url: string;
  /** The app's origin to allow through CORS. */
  origin?: string;
  /** The database the app syncs with (default "notes"). */
  db?: string;
  /** A user to create in _users and make a member of the database. */
  user?: string;
  /** That user's password: needed to create them; set when it differs. */
  password?: string;
  /** Server admin name (else from the URL). */
  admin?: string;
  /** Server admin password (else from the URL). */
  adminPassword?: string;
  /** Per request, default 10 000. */
  timeoutMs?: number;
}
export interface SetupPeerResult {
  version: string;
  /** What this run changed; empty when the peer was set up already. */
  changes: string[];
  warnings: string[];
  /** The URL to add in the app, never with credentials. */
  peerUrl: string;
  /** The user name to sign in with in the app. */
  userName: string;
}
export const EXIT: { usage: 2; unreachable: 3; 'not-couchdb': 4; auth: 5; http: 6; 'no-space': 7 };
export type SetupPeerFailure = keyof typeof EXIT;
export class SetupPeerError extends Error {
  readonly kind: SetupPeerFailure;
  readonly exitCode: number;
  constructor(kind: SetupPeerFailure, message: string);
}
export function setupPeer(
  options: SetupPeerOptions,
  io: { fetch: typeof fetch; log: (line: string) => void },
): Promise<SetupPeerResult>;
