export interface PeerServerOptions {
  port?: number;
  admins?: Record<string, string>;
  members?: Record<string, string>;
  cors?: boolean;
  dataDir?: string;
  databases?: string[];
  maxDocumentBytes?: number;
}
export interface PeerServer {
  origin: string;
  port: number;
  dbUrl(db: string): string;
  close(): Promise<void>;
}
export function startPeerServer(options?: PeerServerOptions): Promise<PeerServer>;
export function nodePouchDB(): PouchDB.Static;
