import { useDataSafety } from '../../hooks/useDataSafety';
import { useNoteTitles } from '../../hooks/useNoteTitles';
import { useSyncStatus } from '../../hooks/useSyncStatus';
import { AddPeerForm } from './AddPeerForm';
import { HomeServerOffer } from './HomeServerOffer';
import { InvitePanel } from './InvitePanel';
import { LocalPeerOffer } from './LocalPeerOffer';
import { PeerRow } from './PeerRow';
import { SHOWN_MISSING, SafetyPanel } from './SafetyPanel';
import { ServerLinksPanel } from './ServerLinksPanel';

/** Peers: add one by URL, and see and steer syncing with each. */
export function PeersPage() {
  const { peers, statuses, isLeader } = useSyncStatus();
  const safety = useDataSafety();
  // Only the documents the page names are read for their titles, never every note.
  const docLabel = useNoteTitles([
    ...Object.values(statuses).flatMap((status) => status?.error?.docIds ?? []),
    ...(safety?.peers ?? []).flatMap((holding) => [
      ...holding.missing.slice(0, SHOWN_MISSING),
      ...(holding.lastAnswer?.notHeld.slice(0, SHOWN_MISSING) ?? []),
    ]),
  ]);
  return (
    <div className="peers-page">
      <h1>Peers</h1>
      <p className="lede">
        This device syncs, always and both ways, with every peer below: a CouchDB on a Raspberry Pi, a server, or
        another device. Changes relay through any node, so peers need not reach each other.
      </p>
      <HomeServerOffer knownUrls={peers.map((p) => p.url)} />
      <LocalPeerOffer knownUrls={peers.map((p) => p.url)} />
      <AddPeerForm />
      {peers.length === 0 ? (
        <p className="empty">No peers yet: everything stays on this device until you add one.</p>
      ) : (
        <ul className="peer-list" aria-label="Peers">
          {peers.map((peer) => (
            <PeerRow key={peer.id} peer={peer} status={statuses[peer.id]} docLabel={docLabel} />
          ))}
        </ul>
      )}
      {peers.length > 0 && <SafetyPanel report={safety} peers={peers} docLabel={docLabel} />}
      <ServerLinksPanel peers={peers} />
      <InvitePanel peers={peers} />
      <p className="hint" data-testid="sync-role">
        {isLeader ? 'This tab runs sync for the app.' : 'Another tab of the app runs sync; this one shows its status.'}
      </p>
    </div>
  );
}
