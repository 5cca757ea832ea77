// `npm run deploy-app -- <couchdb-url> [options]`: builds the app and puts it
// on a CouchDB 3 server, which then serves p2pcloud to every device (see
// scripts/lib/deployApp.mjs). Exit codes as setup-peer's, plus 7 for no space.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp, DEFAULT_APP_DB, deployApp } from './lib/deployApp.mjs';
import { EXIT, SetupPeerError } from './lib/setupPeerHttp.mjs';

const USAGE = `Usage: npm run deploy-app -- <couchdb-url> [options]

  <couchdb-url>                 the CouchDB server, e.g. https://admin:PASSWORD@pi.local:6984
  --db <name>                   the database that holds the app (default: ${DEFAULT_APP_DB})
  --notes-db <name>             the notes database the app offers as its first peer (default: notes)
  --no-build                    deploy dist/ as it is, without building first
  --dist <folder>               deploy this build instead (implies --no-build)
  --admin <name>                server admin, if not in the URL
  --admin-password <pw>         server admin password (or set SETUP_PEER_ADMIN_PASSWORD)
  --timeout <seconds>           per request (default 60)

Running it again uploads only the files that changed, and nothing when none did.`;

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      db: { type: 'string' },
      'notes-db': { type: 'string' },
      'no-build': { type: 'boolean' },
      dist: { type: 'string' },
      admin: { type: 'string' },
      'admin-password': { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (err) {
  console.error(`deploy-app: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(EXIT.usage);
}
const { values, positionals } = args;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) {
  // The extra words are not echoed: one of them may be a mistyped password.
  console.error(`deploy-app: give exactly one CouchDB URL (got ${positionals.length}).\n\n${USAGE}`);
  process.exit(EXIT.usage);
}
const timeoutSeconds = values.timeout === undefined ? 60 : Number(values.timeout);
if (!(timeoutSeconds > 0)) {
  console.error('deploy-app: --timeout must be a number of seconds above 0.');
  process.exit(EXIT.usage);
}

if (!values['no-build'] && !values.dist && !buildApp()) process.exit(1);
try {
  await deployApp(
    {
      url: positionals[0],
      dist: resolve(values.dist ?? 'dist'),
      db: values.db,
      notesDb: values['notes-db'],
      admin: values.admin,
      adminPassword: values['admin-password'] ?? process.env.SETUP_PEER_ADMIN_PASSWORD,
      timeoutMs: timeoutSeconds * 1000,
    },
    { fetch, log: (line) => console.log(line) },
  );
} catch (err) {
  if (err instanceof SetupPeerError) {
    console.error(`deploy-app: ${err.message}`);
    process.exit(err.exitCode);
  }
  console.error(`deploy-app: unexpected failure: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
