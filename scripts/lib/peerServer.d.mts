export interface PeerServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** name -> password: server admins, kept hashed in the config's [admins] section. */
  admins?: Record<string, string>;
  /** name -> password: members of every database whose _security lists no members. */
  members?: Record<string, string>;
  /** Answer CORS from any origin (default true). Ignored with `corsFromConfig`. */
  cors?: boolean;
  /** Decide CORS like CouchDB 3: chttpd/enable_cors and cors/origins in /_node/_local/_config. */
  corsFromConfig?: boolean;
  /** Keep data on disk here (LevelDB); in memory when absent. */
  dataDir?: string;
  /** Databases to create at start (besides _users and _replicator). */
  databases?: string[];
  /** couchdb/max_document_size: larger documents get `too_large` in _bulk_docs. */
  maxDocumentBytes?: number;
  /** Run design documents' validate_doc_update on _bulk_docs, as CouchDB does. */
  validateDocUpdate?: boolean;
}
export interface PeerServer {
  origin: string;
  port: number;
  dbUrl(db: string): string;
  close(): Promise<void>;
}
export function startPeerServer(options?: PeerServerOptions): Promise<PeerServer>;
export function nodePouchDB(): PouchDB.Static;
