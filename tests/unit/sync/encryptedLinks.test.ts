// A server link copies documents as they are: between an encrypted peer and
// a plain one it would spread ciphertext or plaintext, so it is refused
// with the reason; between two encrypted peers it is written (issue #16).
import { afterEach, describe, expect, it } from 'vitest';
import { LinkRefused, ServerLinks } from '../../../src/sync/peers/serverLinks';
import type { PeerCredentials } from '../../../src/domain/peer';
import { ADMIN, startTestPeer, type PeerServer } from '../../support/peers';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(): Promise<PeerServer> {
  const s = await startTestPeer({ databases: ['vault', 'vault2', 'plain'] });
  cleanup.push(() => s.close());
  return s;
}

function linksFor(encrypted: readonly string[]) {
  const admins = new Map<string, PeerCredentials>();
  return new ServerLinks({
    credentialsFor: () => Promise.resolve(undefined),
    admins: { get: (s) => Promise.resolve(admins.get(s)), set: (s, c) => Promise.resolve(void admins.set(s, c)) },
    fetch: (input, init) => fetch(input, init),
    isEncrypted: (url) => Promise.resolve(encrypted.includes(url)),
  });
}

describe('server links and encrypted peers', () => {
  it('are refused between an encrypted peer and a plain one, either way round, with the reason; nothing is written', async () => {
    const s = await server();
    const [vault, plain] = [s.dbUrl('vault'), s.dbUrl('plain')];
    const links = linksFor([vault]);
    for (const [a, b] of [[vault, plain], [plain, vault]] as const) {
      const refused = links.link(a, b, ADMIN);
      await expect(refused).rejects.toBeInstanceOf(LinkRefused);
      await expect(refused).rejects.toThrow(/is encrypted and .* is not: .*ciphertext into the plain peer/);
    }
    expect(await linksFor([]).list([vault])).toEqual([]);
  });

  it('are written between two encrypted peers, and between two plain ones', async () => {
    const s = await server();
    const [vault, vault2, plain] = [s.dbUrl('vault'), s.dbUrl('vault2'), s.dbUrl('plain')];
    const links = linksFor([vault, vault2]);
    await links.link(vault, vault2, ADMIN);
    const listed = await links.list([vault]);
    expect(listed.map((l) => [l.source, l.target]).sort()).toEqual([[vault, vault2], [vault2, vault]]);
    await expect(linksFor([]).link(plain, vault2, ADMIN)).resolves.toBeUndefined();
  });
});
