export interface DeployAppOptions {
  /** The CouchDB server, e.g. https://admin:PASS@pi.local:6984 (admin credentials may be in it). */
  url: string;
  /** The built app's folder. */
  dist: string;
  /** The database that holds the app (default "p2pcloud-app"). */
  db?: string;
  /** The notes database the app offers as its first peer (default "notes"). */
  notesDb?: string;
  admin?: string;
  adminPassword?: string;
  /** Per request, default 60 000. */
  timeoutMs?: number;
}
export interface DeployAppResult {
  /** The app's address on that server, never with credentials. */
  address: string;
  changes: string[];
  /** The files sent (new or changed). */
  uploaded: string[];
  /** How many files the server already had. */
  unchanged: number;
}
export const APP_DOC_ID: '_design/p2pcloud';
export const DEFAULT_APP_DB: 'p2pcloud-app';
export function deployApp(
  options: DeployAppOptions,
  io: { fetch: typeof fetch; log: (line: string) => void },
): Promise<DeployAppResult>;
export function buildApp(): boolean;
