// `npm run deploy-app -- <couchdb-url> [options]`: builds the app and puts it
// on a CouchDB 3 server, which then serves it to every device (see
// scripts/lib/deployApp.mjs). Exit codes as setup-peer's, plus 7 for no space.
import { resolve } from 'node:path';
import { parseCommand, runCommand } from './lib/cli.mjs';
import { buildApp, DEFAULT_APP_DB, deployApp } from './lib/deployApp.mjs';

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

const { url, values, timeoutMs } = parseCommand(
  'deploy-app',
  USAGE,
  {
    db: { type: 'string' },
    'notes-db': { type: 'string' },
    'no-build': { type: 'boolean' },
    dist: { type: 'string' },
    admin: { type: 'string' },
    'admin-password': { type: 'string' },
  },
  60,
);
if (!values['no-build'] && !values.dist && !buildApp()) process.exit(1);
await runCommand('deploy-app', async () => {
  await deployApp(
    {
      url,
      dist: resolve(values.dist ?? 'dist'),
      db: values.db,
      notesDb: values['notes-db'],
      admin: values.admin,
      adminPassword: values['admin-password'] ?? process.env.SETUP_PEER_ADMIN_PASSWORD,
      timeoutMs,
    },
    { fetch, log: (line) => console.log(line) },
  );
});
