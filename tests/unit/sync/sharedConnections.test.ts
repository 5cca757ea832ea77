// #15 item 4: live pulls from several databases on one server share its
// connections. Node's fetch has no six-connection limit, so this checks the
// rule itself, through real PouchDB live pulls from a real peer: never more
// long-polls at once than allowed, and every database's changes still arrive.
import { afterEach, describe, expect, it } from 'vitest';
import { nodePouchDB } from '../../../scripts/lib/peerServer.mjs';
import { shareConnections } from '../../../src/sync/remote/sharedConnections';
import { newLocalDb } from '../../support/nodePouch';
import { MEMBER, startTestPeer } from '../../support/peers';
import { waitFor } from '../../support/waitFor';

const PouchDB = nodePouchDB();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('#15 shareConnections', () => {
  it('keeps at most the allowed long-polls per server, and every database still syncs', async () => {
    const names = ['a', 'b', 'c', 'd'];
    const server = await startTestPeer({ databases: names });
    cleanup.push(() => server.close());
    let longPolls = 0;
    let mostAtOnce = 0;
    const counted = async (input: string | Request, init?: RequestInit) => {
      const isLongPoll = String(typeof input === 'string' ? input : input.url).includes('feed=longpoll');
      if (isLongPoll) mostAtOnce = Math.max(mostAtOnce, (longPolls += 1));
      try {
        const res = await fetch(input, init);
        // The connection is held until the body has been read.
        return new Response(await res.arrayBuffer(), { status: res.status, statusText: res.statusText, headers: res.headers });
      } finally {
        if (isLongPoll) longPolls -= 1;
      }
    };
    const shared = shareConnections(counted, { longPollsPerServer: 2, pollEveryMs: 100 });
    const auth = { username: MEMBER.username, password: MEMBER.password };
    const local = newLocalDb();
    for (const name of names) {
      const remote = new PouchDB(server.dbUrl(name), { skip_setup: true, auth, fetch: shared });
      const pull = local.replicate.from(remote, { live: true, retry: true });
      pull.catch(() => undefined);
      cleanup.push(() => {
        pull.cancel();
      });
    }
    await waitFor('every pull is live', () => longPolls === 2);
    for (const name of names) {
      await new PouchDB(server.dbUrl(name), { skip_setup: true, auth }).put({ _id: `note:${name}`, from: name });
    }
    for (const name of names) await waitFor(`the note of ${name}`, () => local.get(`note:${name}`).catch(() => null));
    expect(mostAtOnce).toBe(2);
  });
});
