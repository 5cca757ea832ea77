/**
 * Shares a server's few HTTP/1.1 connections between the live pulls of
 * several databases on it.
 * @remarks A browser opens at most six connections to one host, and every
 * live pull holds one with its long-poll (`_changes?feed=longpoll`, kept open
 * by heartbeats until a change arrives). With six databases on one server
 * every connection was taken: pushes, catch-ups and the Peers page's checks
 * to that server waited forever (measured: from the seventh database on, no
 * peer of that server got past "Syncing" and a new peer's check failed as
 * "Nothing answers"). So at most {@link LONG_POLLS_PER_SERVER} long-polls run
 * per server; another database's pull waits up to {@link POLL_EVERY_MS} for
 * one of those places and, if none frees, asks once without waiting
 * (`feed=normal`, answered at once). Its changes then arrive within that
 * delay instead of at once; a pull that just got changes asks again at once.
 */

/** Long-polls at once per server (scheme, host and port): half of a browser's six connections. */
export const LONG_POLLS_PER_SERVER = 3;

/** How long a pull beyond that waits for a long-poll place before asking without waiting. */
export const POLL_EVERY_MS = 1500;

type Fetch = (input: string | Request, init?: RequestInit) => Promise<Response>;

interface Server {
  longPolls: number;
  /** Pulls waiting for a place, oldest first; a place that frees is handed to the first. */
  waiting: Array<() => void>;
}

/**
 * Wraps `fetch` (given to PouchDB as its `fetch` option) so that live pulls
 * share the connections to each server as described above. Every other
 * request goes through untouched.
 */
export function shareConnections(
  fetchFn: Fetch,
  options: { longPollsPerServer?: number; pollEveryMs?: number } = {},
): Fetch {
  const limit = options.longPollsPerServer ?? LONG_POLLS_PER_SERVER;
  const pollEvery = options.pollEveryMs ?? POLL_EVERY_MS;
  const servers = new Map<string, Server>();
  /** Feeds (a database's `_changes`) whose last answer without waiting brought changes: ask again at once. */
  const hadChanges = new Set<string>();

  const serverOf = (origin: string): Server => {
    let server = servers.get(origin);
    if (!server) servers.set(origin, (server = { longPolls: 0, waiting: [] }));
    return server;
  };

  return async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input.url);
    if (!url.pathname.endsWith('/_changes') || url.searchParams.get('feed') !== 'longpoll') return fetchFn(input, init);
    const server = serverOf(url.origin);
    const feed = `${url.origin}${url.pathname}`;
    let hasPlace = server.longPolls < limit;
    if (hasPlace) server.longPolls += 1;
    else if (!hadChanges.has(feed)) hasPlace = await placeFreed(server, pollEvery, init?.signal);
    if (!hasPlace) return pollOnce(fetchFn, url, init, (n) => (n > 0 ? hadChanges.add(feed) : hadChanges.delete(feed)));
    hadChanges.delete(feed);
    try {
      // Read whole here: the connection stays taken until the body ends, not the headers.
      return await readWhole(await fetchFn(input, init));
    } finally {
      // Handed on as it is, so that no new request takes it between the two.
      const next = server.waiting.shift();
      if (next) next();
      else server.longPolls -= 1;
    }
  };
}

/** Waits until a long-poll place is handed over (true), or `ms` passed or the request was cancelled (false). */
function placeFreed(server: Server, ms: number, signal?: AbortSignal | null): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (isFree: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const at = server.waiting.indexOf(wake);
      if (at >= 0) server.waiting.splice(at, 1);
      resolve(isFree);
    };
    const wake = () => done(true);
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(false), ms);
    signal?.addEventListener('abort', onAbort);
    server.waiting.push(wake);
  });
}

/** The same `_changes` request answered at once (no heartbeat, no wait), reporting how many changes it brought. */
async function pollOnce(fetchFn: Fetch, url: URL, init: RequestInit | undefined, onCount: (n: number) => void): Promise<Response> {
  const once = new URL(url);
  once.searchParams.set('feed', 'normal');
  once.searchParams.delete('heartbeat');
  once.searchParams.delete('timeout');
  const res = await readWhole(await fetchFn(once.toString(), init));
  try {
    const body = (await res.clone().json()) as { results?: unknown[] };
    onCount(body.results?.length ?? 0);
  } catch {
    onCount(0);
  }
  return res;
}

async function readWhole(res: Response): Promise<Response> {
  const body = await res.arrayBuffer();
  const hasNoBody = [101, 204, 205, 304].includes(res.status);
  return new Response(hasNoBody ? null : body, { status: res.status, statusText: res.statusText, headers: res.headers });
}
