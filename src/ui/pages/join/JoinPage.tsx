import { useMemo, useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { openSetupFragment } from '../../../domain/setupLink';

/** Opened from a setup link: shows the mesh's peers and joins them. */
export function JoinPage() {
  const { peers, logger } = useServices();
  const link = useMemo(() => openSetupFragment(window.location.hash), []);
  const [passphrase, setPassphrase] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  if (!link) {
    return (
      <div className="notice problem" role="alert">
        This setup link is damaged or incomplete. Ask for a new one, or add a peer by its address on the Peers page.
      </div>
    );
  }
  const join = (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setProblem(undefined);
    const run = async () => {
      const { credentials, meshPassphrase } = link.hasCredentials && passphrase ? await link.unlockAll(passphrase) : { credentials: {}, meshPassphrase: undefined };
      // Before the peers: an encrypted one then starts with its passphrase rather than waiting for it.
      if (meshPassphrase) await peers.setPassphrase(meshPassphrase);
      for (const peer of link.peers) await peers.adopt(peer.url, peer.username, credentials[peer.url], peer.encrypted === true);
      window.location.hash = '#/peers';
    };
    run()
      .catch((err: unknown) => {
        logger.warn('joining failed', String(err));
        setProblem(err instanceof Error ? err.message : String(err));
      })
      .finally(() => setIsBusy(false));
  };
  return (
    <div className="join-page">
      <h1>Join a mesh</h1>
      <p>This device will sync with these peers:</p>
      <ul data-testid="join-peers">
        {link.peers.map((p) => (
          <li key={p.url}>
            {p.url}
            {p.username ? ` (as ${p.username})` : ''}
            {p.encrypted ? ' (encrypted)' : ''}
          </li>
        ))}
      </ul>
      <form onSubmit={join} aria-label="Join">
        {link.hasCredentials && (
          <label className="field">
            Passphrase (leave empty to sign in to each peer yourself)
            <input aria-label="Passphrase" type="password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} />
          </label>
        )}
        <button type="submit" className="primary" disabled={isBusy}>
          Join
        </button>
      </form>
      {problem && (
        <p className="notice problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
