// A setup link carries the mesh passphrase of encrypted peers (issue #16)
// only under the invite passphrase, beside the sign-ins.
import { describe, expect, it } from 'vitest';
import { makeSetupFragment, openSetupFragment } from '../../../src/domain/setupLink';

const peers = [{ url: 'https://vps.example.org/notes', encrypted: true }, { url: 'https://pi.local:6984/notes', username: 'alice' }];
const credentials = { 'https://pi.local:6984/notes': { username: 'alice', password: 's3cret-wonderland' } };
const MESH = 'mesh passphrase for the untrusted VPS';
const INVITE = 'correct horse battery staple';
const decoded = (fragment: string) => atob(fragment.slice(9).replace(/-/g, '+').replace(/_/g, '/'));

describe('setup links with encrypted peers', () => {
  it('carry the mesh passphrase only under the invite passphrase, and which peers are encrypted', async () => {
    const fragment = await makeSetupFragment({ peers, credentials, meshPassphrase: MESH }, INVITE);
    expect(decoded(fragment)).not.toContain('mesh passphrase');
    expect(decoded(fragment)).not.toContain('s3cret');
    const opened = openSetupFragment(fragment);
    expect(opened?.peers).toEqual(peers);
    expect(opened?.hasCredentials).toBe(true);
    await expect(opened?.unlockAll('wrong passphrase')).rejects.toThrow('That passphrase does not open these credentials.');
    expect(await opened?.unlockAll(INVITE)).toEqual({ credentials, meshPassphrase: MESH });
    // The credentials alone, as before.
    expect(await opened?.unlock(INVITE)).toEqual(credentials);
  });

  it('without an invite passphrase, carry no mesh passphrase at all', async () => {
    const fragment = await makeSetupFragment({ peers, credentials, meshPassphrase: MESH });
    expect(decoded(fragment)).not.toContain('mesh passphrase');
    expect(openSetupFragment(fragment)?.hasCredentials).toBe(false);
  });

  it('a link with sign-ins alone (the first format) still opens', async () => {
    const fragment = await makeSetupFragment({ peers: [peers[1]!], credentials }, INVITE);
    expect(decoded(fragment)).not.toContain('"sv"');
    expect(await openSetupFragment(fragment)?.unlockAll(INVITE)).toEqual({ credentials });
  });
});
