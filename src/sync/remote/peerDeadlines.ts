/**
 * Deadlines on every request to a peer, for a peer that accepts the
 * connection and then never answers (a hung Raspberry Pi, a black-holed
 * route, a captive portal that stalls) or answers a byte at a time.
 * @remarks PouchDB 9's HTTP adapter sets no deadline on any request (it
 * works out a `requestTimeout` for the changes feed and never uses it):
 * one request to such a peer waited forever, and the replication with it,
 * showing "Syncing" while nothing moved. With these deadlines the request
 * fails with a {@link PeerTimeout}, which has no HTTP status, so it counts as
 * the peer being away (errors.ts): backoff, and the badge says "Offline,
 * retrying". Used as the `fetch` of every remote PouchDB handle.
 */

/** How long a peer may take; see {@link PEER_DEADLINES}. */
export interface PeerDeadlines {
  /** Until the answer's headers arrive, for a request without a body. */
  answerMs: number;
  /** Added to {@link answerMs} per byte sent, so a large upload on a slow link is not cut: 1 / bytes per ms. */
  msPerUploadByte: number;
  /** Each window of this length must bring {@link minBytesPerWindow} of the answer's body (or its end). */
  windowMs: number;
  minBytesPerWindow: number;
}

/**
 * The app's deadlines. An answer's headers within 30 s (plus 1 s per 32 KiB
 * sent: a 16 MiB batch of file pieces gets 9 more minutes); then at least
 * 1 KiB of its body every 20 s, which any working link beats by far and a
 * peer trickling a byte a second never does.
 * Long-poll feeds are held open by the peer on purpose until something
 * changes: only their headers have a deadline (CouchDB sends those at once),
 * and PouchDB asks for heartbeats on them.
 */
export const PEER_DEADLINES: PeerDeadlines = {
  answerMs: 30_000,
  msPerUploadByte: 1000 / (32 * 1024),
  windowMs: 20_000,
  minBytesPerWindow: 1024,
};

/** A peer missed a deadline. No `status`: to the engine it is a peer that is away. */
export class PeerTimeout extends Error {
  override readonly name = 'timeout';
}

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A changes feed the peer holds open until something changes. */
function isFeed(url: string): boolean {
  return /[?&]feed=(longpoll|continuous|eventsource)\b/.test(url);
}

function bodyBytes(body: unknown): number {
  if (typeof body === 'string') return body.length;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return body.size;
  return 0;
}

/** Aborts `controller` when `signal` (the caller's, e.g. PouchDB cancelling a feed) does. */
function follow(signal: AbortSignal | null | undefined, controller: AbortController): void {
  if (!signal) return;
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
}

/**
 * The body of `res`, failed with a {@link PeerTimeout} when a window of
 * `limits.windowMs` brings less than `limits.minBytesPerWindow` bytes.
 */
function watchBody(res: Response, limits: PeerDeadlines, controller: AbortController, url: string): Response {
  const source = res.body;
  // These statuses carry no body, and a Response with one cannot be made.
  if (!source || [101, 204, 205, 304].includes(res.status)) return res;
  const reader = source.getReader();
  let received = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      timer = setInterval(() => {
        if (received >= limits.minBytesPerWindow) {
          received = 0;
          return;
        }
        clearInterval(timer);
        stream.error(new PeerTimeout(`the peer stalled while answering ${path(url)}`));
        controller.abort();
      }, limits.windowMs);
    },
    async pull(stream) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          clearInterval(timer);
          stream.close();
          return;
        }
        received += value.byteLength;
        stream.enqueue(value);
      } catch (err) {
        clearInterval(timer);
        stream.error(err);
      }
    },
    cancel(reason) {
      clearInterval(timer);
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** The path of a request, for messages: never the host's credentials or the query. */
function path(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return 'a request';
  }
}

/**
 * `fetchImpl` with {@link PeerDeadlines} on every request.
 * @param fetchImpl the fetch to wrap (the browser's; Node's in tests).
 */
export function withDeadlines(fetchImpl: Fetch, limits: PeerDeadlines = PEER_DEADLINES): Fetch {
  return async (input, init = {}) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const controller = new AbortController();
    follow(init.signal, controller);
    const answerMs = limits.answerMs + bodyBytes(init.body) * limits.msPerUploadByte;
    let isLate = false;
    const timer = setTimeout(() => {
      isLate = true;
      controller.abort();
    }, answerMs);
    let res: Response;
    try {
      res = await fetchImpl(input, { ...init, signal: controller.signal });
    } catch (err) {
      if (isLate) throw new PeerTimeout(`the peer did not answer ${path(url)} within ${Math.round(answerMs / 1000)} s`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return isFeed(url) ? res : watchBody(res, limits, controller, url);
  };
}
