import { useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerConfig } from '../../../domain/peer';
import type { PeerStatus } from '../../../sync/engine/peerStatus';
import { PEER_STATE_LABEL, designDocsNote, syncErrorNotice } from '../../notifications/syncEventToNotice';
import { plural } from '../../syncSummary';
import { EncryptionPanel } from './EncryptionPanel';

/** One peer: where syncing with it stands, and what can be done about it. */
export function PeerRow({
  peer,
  status,
  docLabel,
}: {
  peer: PeerConfig;
  status?: PeerStatus;
  /** How to name a document to the user (a note's title rather than its id). */
  docLabel: (id: string) => string;
}) {
  const { peers, logger } = useServices();
  const state = peer.isPaused ? 'paused' : (status?.state ?? 'connecting');
  const notice = status?.error ? syncErrorNotice(status.error.reason, status.error.docIds?.map(docLabel), status.waiting) : undefined;
  const [isSigningIn, setIsSigningIn] = useState(false);
  // A peer learnt from the mesh needs this device's own credentials: ask right away.
  const showSignIn = isSigningIn || state === 'signInNeeded';
  const act = (work: Promise<void>): void => {
    work.catch((err: unknown) => logger.error('peer action failed', String(err)));
  };

  return (
    <li className="peer-row" data-testid="peer-row" aria-label={peer.url}>
      <div className="peer-head">
        <span className="peer-url">{peer.url}</span>
        <span className={`badge state-${state}`} data-testid="peer-state">
          {PEER_STATE_LABEL[state]}
        </span>
      </div>
      <div className="peer-facts">
        {peer.username && <span>Signed in as {peer.username}</span>}
        <span data-testid="peer-last-synced">
          {status?.lastSyncedAt ? `Last synced ${new Date(status.lastSyncedAt).toLocaleTimeString()}` : 'Not synced yet'}
        </span>
        <span data-testid="peer-pending">
          {status?.pending === undefined ? '' : status.pending === 0 ? 'Has all local changes' : `${plural(status.pending, 'change')} not received yet`}
        </span>
      </div>
      {status?.designDocs?.length ? (
        <p className="hint" data-testid="peer-design-docs">
          {designDocsNote(status.designDocs)}
        </p>
      ) : null}
      {notice && (
        <div className="notice problem" role="alert">
          <strong>{notice.title}</strong>
          {notice.help && <p>{notice.help}</p>}
          {status?.error?.detail && <p className="detail">{status.error.detail}</p>}
        </div>
      )}
      <EncryptionPanel peer={peer} status={status} />
      <div className="peer-actions">
        <button type="button" onClick={() => act(peers.setPaused(peer.id, !peer.isPaused))}>
          {peer.isPaused ? 'Resume' : 'Pause on this device'}
        </button>
        <button type="button" onClick={() => setIsSigningIn((v) => !v)}>
          Sign in
        </button>
        <button type="button" className="danger" onClick={() => act(peers.remove(peer.id))}>
          Remove from all devices
        </button>
      </div>
      {showSignIn && <SignInForm onSubmit={(c) => act(peers.signIn(peer.id, c).then(() => setIsSigningIn(false)))} />}
    </li>
  );
}

function SignInForm({ onSubmit }: { onSubmit: (c: { username: string; password: string }) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ username, password });
  };
  return (
    <form className="sign-in" onSubmit={submit} aria-label="Sign in to peer">
      <input aria-label="Peer user name" placeholder="User name" value={username} onChange={(e) => setUsername(e.target.value)} required />
      <input aria-label="Peer password" type="password" placeholder="Password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit">Save and sync</button>
    </form>
  );
}
