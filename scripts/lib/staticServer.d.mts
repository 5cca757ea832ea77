export interface StaticServer {
  origin: string;
  override(path: string, body: string | undefined): void;
  read(path: string): Promise<string>;
  close(): Promise<void>;
}
export function startStaticServer(options: {
  root: string;
  port?: number;
  host?: string;
  localPeer?: object;
  tls?: { key: string; cert: string };
}): Promise<StaticServer>;
