// `npm run setup-peer -- <couchdb-url> [options]`: prepares an Apache
// CouchDB 3 server as a p2pcloud peer (see scripts/lib/setupPeer.mjs and
// docs/raspberry-pi.md). Exits non-zero with a specific message on failure.
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { buildApp, deployApp } from './lib/deployApp.mjs';
import { setupPeer, SetupPeerError, EXIT } from './lib/setupPeer.mjs';

const USAGE = `Usage: npm run setup-peer -- <couchdb-url> [options]

  <couchdb-url>                 the CouchDB server, e.g. https://admin:PASSWORD@pi.local:6984
  --origin <origin>             the app's origin to allow through CORS, e.g. https://notes.example.com
  --db <name>                   the database to sync (default: notes)
  --user <name>                 create this user (in _users) and make them a member of the database
  --password <pw>               that user's password (or set SETUP_PEER_PASSWORD)
  --admin <name>                server admin, if not in the URL
  --admin-password <pw>         server admin password (or set SETUP_PEER_ADMIN_PASSWORD)
  --timeout <seconds>           per request (default 10)
  --with-app                    also put the app on this server (as npm run deploy-app does), so
                                phones open it from here; builds it first unless --dist <folder>

Running it again changes only what is missing.`;

let args;
try {
  args = parseArgs({
    allowPositionals: true,
    options: {
      origin: { type: 'string' },
      db: { type: 'string' },
      user: { type: 'string' },
      password: { type: 'string' },
      admin: { type: 'string' },
      'admin-password': { type: 'string' },
      timeout: { type: 'string' },
      'with-app': { type: 'boolean' },
      dist: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (err) {
  // parseArgs names the option it did not understand, never a value.
  console.error(`setup-peer: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(EXIT.usage);
}

const { values, positionals } = args;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 1) {
  // The extra words are not echoed: one of them may be a mistyped password.
  console.error(`setup-peer: give exactly one CouchDB URL (got ${positionals.length}).\n\n${USAGE}`);
  process.exit(EXIT.usage);
}
const timeoutSeconds = values.timeout === undefined ? 10 : Number(values.timeout);
if (!(timeoutSeconds > 0)) {
  console.error('setup-peer: --timeout must be a number of seconds above 0.');
  process.exit(EXIT.usage);
}

try {
  const adminPassword = values['admin-password'] ?? process.env.SETUP_PEER_ADMIN_PASSWORD;
  await setupPeer(
    {
      url: positionals[0],
      origin: values.origin,
      db: values.db,
      user: values.user,
      password: values.password ?? (values.user ? process.env.SETUP_PEER_PASSWORD : undefined),
      admin: values.admin,
      adminPassword,
      timeoutMs: timeoutSeconds * 1000,
    },
    { fetch, log: (line) => console.log(line) },
  );
  if (values['with-app']) {
    console.log('');
    if (!values.dist && !buildApp()) process.exit(1);
    await deployApp(
      { url: positionals[0], dist: resolve(values.dist ?? 'dist'), notesDb: values.db, admin: values.admin, adminPassword, timeoutMs: Math.max(60_000, timeoutSeconds * 1000) },
      { fetch, log: (line) => console.log(line) },
    );
  }
} catch (err) {
  if (err instanceof SetupPeerError) {
    console.error(`setup-peer: ${err.message}`);
    process.exit(err.exitCode);
  }
  // Not one of ours: show the message only; a stack could quote arguments.
  console.error(`setup-peer: unexpected failure: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
