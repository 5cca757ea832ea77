// Where the app is when a CouchDB server serves it (npm run deploy-app puts
// the build in a design document: /{db}/_design/{name}/index.html). Pure: the
// UI passes the page's address and fetches what this points at.

/** The CouchDB server and design document the page was loaded from. */
export interface CouchappPlace {
  /** The server's base URL (origin, plus any path prefix of a reverse proxy). */
  serverUrl: string;
  /** The design document's URL, whose `p2pcloud` field says which notes database to offer. */
  designDocUrl: string;
}

/**
 * Recognises a page served from a CouchDB design document, or returns
 * undefined (served from a web host, `npm start`, or anything else).
 * @param href the page's address (`location.href`).
 */
export function couchappPlace(href: string): CouchappPlace | undefined {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return undefined;
  }
  const match = /^(.*?)\/([^/]+)\/_design\/([^/]+)\/[^/]*$/.exec(url.pathname);
  if (!match) return undefined;
  const [, prefix = '', db = '', name = ''] = match;
  return { serverUrl: `${url.origin}${prefix}`, designDocUrl: `${url.origin}${prefix}/${db}/_design/${name}` };
}

/**
 * The notes database a deployed app offers, from its design document's
 * `p2pcloud.notesDb`; anything that is not a plausible database name is ignored.
 */
export function offeredNotesDb(designDoc: unknown): string | undefined {
  const value = (designDoc as { p2pcloud?: { notesDb?: unknown } } | null)?.p2pcloud?.notesDb;
  return typeof value === 'string' && /^[a-z][a-z0-9_$()+/-]*$/.test(value) ? value : undefined;
}
