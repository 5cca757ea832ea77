import { useEffect, useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { addPeerNotice, type Notice } from '../../notifications/syncEventToNotice';

interface LocalPeer {
  url: string;
  username?: string;
  password?: string;
}

/**
 * `npm start` runs a CouchDB-protocol peer beside the app and publishes its
 * address (and login, to this machine only) at /local-peer.json; offer it as
 * the first peer, added in one click. Elsewhere the file is absent and
 * nothing is shown.
 */
export function LocalPeerOffer({ knownUrls }: { knownUrls: readonly string[] }) {
  const { peers, logger } = useServices();
  const [peer, setPeer] = useState<LocalPeer | undefined>();
  const [problem, setProblem] = useState<Notice | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  useEffect(() => {
    let isCurrent = true;
    fetch(`${import.meta.env.BASE_URL}local-peer.json`, { cache: 'no-store' })
      .then((res) => (res.ok ? (res.json() as Promise<LocalPeer>) : undefined))
      .then((value) => {
        if (isCurrent && value && typeof value.url === 'string') setPeer(value);
      })
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, []);
  if (!peer || knownUrls.includes(peer.url)) return null;
  const use = () => {
    setIsBusy(true);
    const credentials = peer.username ? { username: peer.username, password: peer.password ?? '' } : undefined;
    peers
      .add(peer.url, credentials)
      .then((result) => setProblem(result.ok ? undefined : addPeerNotice(result.problem)))
      .catch((err: unknown) => logger.error('adding the local peer failed', String(err)))
      .finally(() => setIsBusy(false));
  };
  return (
    <div className="notice ok local-peer-offer">
      A peer is running on this computer ({peer.url}).{' '}
      <button type="button" onClick={use} disabled={isBusy}>
        {isBusy ? 'Checking…' : 'Use it'}
      </button>
      {problem && (
        <p role="alert">
          <strong>{problem.title}</strong> {problem.help}
        </p>
      )}
    </div>
  );
}
