// "Which peer has it?": how many of a file's parts each peer holds, asked of
// real peers, one holding everything, one part of it, one down.
import { afterEach, describe, expect, it } from 'vitest';
import { peerIdFor } from '../../../src/domain/ids';
import { locateChunks } from '../../../src/sync/safety/locateChunks';
import { openRemote } from '../../support/nodePouch';
import { MEMBER, startTestPeer, type PeerServer } from '../../support/peers';

const member = { username: MEMBER.username, password: MEMBER.password };
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

async function peerWith(chunks: string[]): Promise<PeerServer> {
  const server = await startTestPeer();
  cleanup.push(() => server.close());
  await openRemote(server.dbUrl('notes'), member).bulkDocs(chunks.map((hash) => ({ _id: `chunk:${hash}`, type: 'chunk' })));
  return server;
}

describe('locateChunks', () => {
  it('counts, per peer, the parts it holds (deleted ones not), and says which peer did not answer', async () => {
    const hashes = ['aa', 'bb', 'cc', 'dd'];
    const full = await peerWith(hashes);
    const partial = await peerWith(['bb', 'dd']);
    const deleted = await openRemote(partial.dbUrl('notes'), member).get('chunk:dd');
    await openRemote(partial.dbUrl('notes'), member).remove(deleted);
    const down = await startTestPeer();
    const downUrl = down.dbUrl('notes');
    await down.close();

    const peers = [full.dbUrl('notes'), partial.dbUrl('notes'), downUrl].map((url) => ({
      id: peerIdFor(url),
      db: openRemote(url, member),
    }));
    // A part listed twice in a file is one part.
    const answer = await locateChunks(peers, [...hashes, 'aa']);
    expect(answer.map(({ present, total }) => [present, total])).toEqual([
      [4, 4],
      [1, 4],
      [0, 4],
    ]);
    expect(answer[0]?.error).toBeUndefined();
    expect(answer[1]?.error).toBeUndefined();
    expect(answer[2]?.error).toBeTruthy();
  });
});
