// An HTTP proxy in front of a test peer that can lose the network the way a
// sleeping phone or laptop does: connections are not refused, they go dead.
// While "away", every request in flight and every new one gets no answer and
// is never closed (as packets to a vanished route); after `back()`, new
// requests are forwarded again but the dead ones stay dead, as a long-poll
// opened before the sleep does.
import http from 'node:http';
import type net from 'node:net';

/** A proxy on a free loopback port; see the file header. */
export interface StallingProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:40123. */
  origin: string;
  /** `origin` plus a database name. */
  dbUrl(name: string): string;
  /** The network goes: nothing answers, nothing is closed. */
  away(): void;
  /** The network comes back for new requests; what went dead stays dead. */
  back(): void;
  /** Requests held without an answer so far. */
  readonly deadCount: number;
  close(): Promise<void>;
}

/** Starts a {@link StallingProxy} forwarding to `target` (an origin such as a test peer's). */
export async function startStallingProxy(target: string): Promise<StallingProxy> {
  const upstream = new URL(target);
  let isAway = false;
  const inFlight = new Set<{ res: http.ServerResponse; upstream?: http.ClientRequest }>();
  const dead = new Set<http.ServerResponse>();
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    if (isAway) {
      dead.add(res);
      return;
    }
    const entry: { res: http.ServerResponse; upstream?: http.ClientRequest } = { res };
    inFlight.add(entry);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        if (dead.has(res)) return answer.resume();
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          if (!dead.has(res)) res.write(chunk);
        });
        answer.on('end', () => {
          inFlight.delete(entry);
          if (!dead.has(res)) res.end();
        });
      },
    );
    entry.upstream = forward;
    forward.on('error', () => {
      inFlight.delete(entry);
      if (!dead.has(res)) res.destroy();
    });
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
  const address = server.address() as net.AddressInfo;
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    dbUrl: (name) => `${origin}/${name}`,
    away() {
      isAway = true;
      for (const entry of inFlight) {
        dead.add(entry.res);
        // The peer need not hold the other end: only this side is dead.
        entry.upstream?.destroy();
      }
      inFlight.clear();
    },
    back() {
      isAway = false;
    },
    get deadCount() {
      return dead.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
