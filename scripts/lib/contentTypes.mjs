// The Content-Type of each kind of file in the app's build, for every server
// of it: `npm start` and the tests' static server, and deploy-app's attachments.
import { extname } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
};

/** The Content-Type for a file of the build, by its name; octet-stream for anything unknown. */
export function contentTypeOf(name) {
  return TYPES[extname(name)] ?? 'application/octet-stream';
}
