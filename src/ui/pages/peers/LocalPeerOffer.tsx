import { useEffect, useState } from 'react';
import { AddPeerForm } from './AddPeerForm';

interface LocalPeer {
  url: string;
  username?: string;
  password?: string;
}

/**
 * `npm start` runs a CouchDB-protocol peer beside the app and publishes its
 * address at /local-peer.json; offer it as the first peer. Elsewhere the file
 * is absent and nothing is shown.
 */
export function LocalPeerOffer({ knownUrls }: { knownUrls: readonly string[] }) {
  const [peer, setPeer] = useState<LocalPeer | undefined>();
  const [isAccepted, setIsAccepted] = useState(false);
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
  if (isAccepted) {
    return <AddPeerForm initialUrl={peer.url} initialUser={peer.username} initialPassword={peer.password} />;
  }
  return (
    <div className="notice ok local-peer-offer">
      A peer is running on this computer ({peer.url}).{' '}
      <button type="button" onClick={() => setIsAccepted(true)}>
        Use it
      </button>
    </div>
  );
}
