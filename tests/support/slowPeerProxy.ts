// An HTTP proxy in front of a test peer that can turn into a peer that
// accepts connections and then never answers, or answers a byte a second
// (a hung Pi, a black-holed route, a captive portal that stalls).
import http from 'node:http';
import type net from 'node:net';

/** How the proxy treats requests that arrive from now on. */
export type ProxyMode =
  /** Forwarded as they are. */
  | 'pass'
  /** Accepted, read, and never answered nor closed. */
  | 'silent'
  /** The peer's headers at once, then its body one byte a second. */
  | 'trickle';

/** A proxy on a free loopback port; see the file header. */
export interface SlowPeerProxy {
  origin: string;
  dbUrl(name: string): string;
  /** Applies to requests that arrive from now on. */
  setMode(mode: ProxyMode): void;
  /** Requests held or trickled so far. */
  readonly slowCount: number;
  close(): Promise<void>;
}

/** Starts a {@link SlowPeerProxy} forwarding to `target` (a test peer's origin). */
export async function startSlowPeerProxy(target: string): Promise<SlowPeerProxy> {
  const upstream = new URL(target);
  let mode: ProxyMode = 'pass';
  let slowCount = 0;
  const timers = new Set<ReturnType<typeof setInterval>>();
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    const current = mode;
    if (current === 'silent') {
      slowCount += 1;
      req.resume();
      return;
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        if (current === 'pass') {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        }
        slowCount += 1;
        const chunks: Uint8Array[] = [];
        answer.on('data', (chunk: Uint8Array) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const headers = { ...answer.headers };
          delete headers['content-length'];
          res.writeHead(answer.statusCode ?? 502, { ...headers, 'transfer-encoding': 'chunked' });
          let sent = 0;
          const timer = setInterval(() => {
            if (sent >= body.length) {
              clearInterval(timer);
              timers.delete(timer);
              res.end();
              return;
            }
            res.write(body.subarray(sent, sent + 1));
            sent += 1;
          }, 1000);
          timers.add(timer);
        });
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    origin,
    dbUrl: (name) => `${origin}/${name}`,
    setMode(next) {
      mode = next;
    },
    get slowCount() {
      return slowCount;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
