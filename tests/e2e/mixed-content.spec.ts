import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStaticServer } from '../../scripts/lib/staticServer.mjs';
import { APP_ROOT, MEMBER, test } from './fixtures';
import { PeersPage } from './page-models/PeersPage';
import { watchContext } from './pageFaults';

/** A throwaway self-signed certificate for 127.0.0.1 (the test browser is told to accept it). */
function selfSigned(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'p2pcloud-tls-'));
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

test('an https-served app explains that it cannot reach a plain-http peer (mixed content)', async ({ browser, pageErrors }) => {
  const app = await startStaticServer({ root: APP_ROOT, tls: selfSigned() });
  const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: app.origin });
  watchContext(context, pageErrors);
  try {
    const page = await context.newPage();
    const peers = new PeersPage(page);
    await peers.goto();
    // Refused before any request: pi.test never has to exist.
    await peers.submit('http://pi.test:5984/notes', MEMBER);
    await peers.expectProblem(
      'This app is served over https, so the browser will not let it reach http://pi.test:5984 (mixed content).',
      'https://',
    );
    await peers.expectNoPeers();
  } finally {
    await context.close();
    await app.close();
  }
});
