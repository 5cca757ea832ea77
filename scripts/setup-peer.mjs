// `npm run setup-peer -- <couchdb-url> [options]`: prepares an Apache
// CouchDB 3 server as a p2pcloud peer (see scripts/lib/setupPeer.mjs and
// docs/raspberry-pi.md). Exits non-zero with a specific message on failure.
import { resolve } from 'node:path';
import { parseCommand, runCommand } from './lib/cli.mjs';
import { buildApp, deployApp } from './lib/deployApp.mjs';
import { setupPeer } from './lib/setupPeer.mjs';

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

const { url, values, timeoutMs } = parseCommand(
  'setup-peer',
  USAGE,
  {
    origin: { type: 'string' },
    db: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    admin: { type: 'string' },
    'admin-password': { type: 'string' },
    'with-app': { type: 'boolean' },
    dist: { type: 'string' },
  },
  10,
);
const adminPassword = values['admin-password'] ?? process.env.SETUP_PEER_ADMIN_PASSWORD;
const log = (line) => console.log(line);
await runCommand('setup-peer', async () => {
  await setupPeer(
    {
      url,
      origin: values.origin,
      db: values.db,
      user: values.user,
      password: values.password ?? (values.user ? process.env.SETUP_PEER_PASSWORD : undefined),
      admin: values.admin,
      adminPassword,
      timeoutMs,
    },
    { fetch, log },
  );
  if (!values['with-app']) return;
  log('');
  if (!values.dist && !buildApp()) process.exit(1);
  const dist = resolve(values.dist ?? 'dist');
  await deployApp({ url, dist, notesDb: values.db, admin: values.admin, adminPassword, timeoutMs: Math.max(60_000, timeoutMs) }, { fetch, log });
});
