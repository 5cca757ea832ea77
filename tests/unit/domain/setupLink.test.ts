import { describe, expect, it } from 'vitest';
import { makeSetupFragment, openSetupFragment } from '../../../src/domain/setupLink';

const peers = [{ url: 'https://pi.local:6984/notes', username: 'alice' }, { url: 'https://vps.example.org/notes' }];
const credentials = { 'https://pi.local:6984/notes': { username: 'alice', password: 's3cret-wonderland' } };

describe('setup links', () => {
  it('carry the peer list, and no credentials unless asked', async () => {
    const fragment = await makeSetupFragment({ peers, credentials });
    expect(fragment).toMatch(/^#\/join\?d=[A-Za-z0-9_-]+$/);
    expect(atob(fragment.slice(9).replace(/-/g, '+').replace(/_/g, '/'))).not.toContain('s3cret');
    const opened = openSetupFragment(fragment);
    expect(opened?.peers).toEqual(peers);
    expect(opened?.hasCredentials).toBe(false);
  });

  it('carry credentials encrypted with a passphrase, opened only by it', async () => {
    const fragment = await makeSetupFragment({ peers, credentials }, 'correct horse battery staple');
    expect(fragment).not.toContain('s3cret');
    const opened = openSetupFragment(fragment);
    expect(opened?.hasCredentials).toBe(true);
    await expect(opened?.unlock('wrong passphrase')).rejects.toThrow('That passphrase does not open these credentials.');
    expect(await opened?.unlock('correct horse battery staple')).toEqual(credentials);
  });

  it('ignore what is not a setup link, or is damaged', () => {
    expect(openSetupFragment('#/notes')).toBeUndefined();
    expect(openSetupFragment('#/join?d=not*base64')).toBeUndefined();
    expect(openSetupFragment('#/join?d=bm90IGpzb24')).toBeUndefined();
  });
});
