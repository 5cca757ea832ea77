import { useEffect, useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerConfig } from '../../../domain/peer';
import type { PeerCredentials } from '../../../domain/peer';
import type { PeerStatus } from '../../../sync/engine/peerStatus';
import { AdminLoginFields, RecreateDatabaseOffer, useRecreate } from './RecreateDatabaseFields';

/** Whether this device holds the mesh passphrase; undefined while unknown. */
export function useHasPassphrase(generation = 0): boolean | undefined {
  const { peers, logger } = useServices();
  const [has, setHas] = useState<boolean | undefined>();
  useEffect(() => {
    let isCurrent = true;
    peers
      .hasPassphrase()
      .then((value) => isCurrent && setHas(value))
      .catch((err: unknown) => logger.warn('reading whether a passphrase is kept failed', String(err)));
    return () => {
      isCurrent = false;
    };
  }, [peers, logger, generation]);
  return has;
}

/** The mesh passphrase, typed; never echoed anywhere else. */
export function PassphraseField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <label className="field">
      Mesh passphrase <span className="hint">(the same on every device; kept on this device only)</span>
      <input
        aria-label="Mesh passphrase"
        type="password"
        minLength={8}
        required
        autoComplete="new-password"
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

/**
 * On a peer row: whether the peer is encrypted; for a plain one, switching
 * it to encrypted (with what that leaves on it); and the passphrase form
 * when this device lacks it, or the one it has opens nothing.
 */
export function EncryptionPanel({ peer, status }: { peer: PeerConfig; status?: PeerStatus }) {
  const { peers, logger } = useServices();
  const [generation, setGeneration] = useState(0);
  const hasPassphrase = useHasPassphrase(generation);
  const [isSwitching, setIsSwitching] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  // Switching a plain peer can recreate its database at once, so no plain copy stays on it.
  const [alsoRecreate, setAlsoRecreate] = useState(false);
  const [admin, setAdmin] = useState<PeerCredentials>({ username: '', password: '' });
  const recreate = useRecreate();
  const needsPassphrase = status?.state === 'passphraseNeeded' || status?.error?.reason === 'unreadable';
  // Another device marked this peer encrypted; this one learnt it from the sealed documents on it.
  const isSealedElsewhere = !peer.encrypted && status?.error?.reason === 'sealed';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const run = async () => {
      if (passphrase) await peers.setPassphrase(passphrase);
      const login = admin;
      setAdmin({ username: '', password: '' });
      // Recreating marks the peer encrypted first, even if the server then refuses: its row shows why and offers it again.
      if (!peer.encrypted && alsoRecreate) await recreate.run(peer, login, true);
      else if (!peer.encrypted) await peers.setEncrypted(peer.id);
      setPassphrase('');
      setIsSwitching(false);
      setGeneration((g) => g + 1);
    };
    run().catch((err: unknown) => logger.error('setting up encryption failed', String(err)));
  };

  if (peer.encrypted && !needsPassphrase) {
    return (
      <div className="encrypted-peer">
        <p className="hint" data-testid="peer-encrypted">
          Encrypted: every device sends this peer only ciphertext.
        </p>
        <RecreateDatabaseOffer peer={peer} recreate={recreate} />
      </div>
    );
  }
  if (!peer.encrypted && !isSwitching && !isSealedElsewhere) {
    return (
      <button type="button" onClick={() => setIsSwitching(true)}>
        Make encrypted…
      </button>
    );
  }
  return (
    <form className="encrypt-peer" onSubmit={submit} aria-label="Encrypt peer">
      {isSealedElsewhere && (
        <p className="hint">
          Another device marked this peer encrypted. Enter the mesh passphrase (the one used there) to sync with it: this device then
          marks it encrypted too.
        </p>
      )}
      {!peer.encrypted && !isSealedElsewhere && (
        <p className="hint">
          From now on every device sends this peer only ciphertext, and needs the mesh passphrase to sync with it. The
          plain copies already on it stay there until its owner recreates that database, which the app can do now (below) or later
          from this row. A server link between it and a plain peer is refused.
        </p>
      )}
      {!peer.encrypted && !isSealedElsewhere && (
        <label className="hint">
          <input type="checkbox" checked={alsoRecreate} onChange={(e) => setAlsoRecreate(e.target.checked)} /> Recreate this database on the
          server now, so no plain copy stays on it
        </label>
      )}
      {!peer.encrypted && alsoRecreate && <AdminLoginFields value={admin} onChange={setAdmin} />}
      {peer.encrypted && hasPassphrase && <p className="hint">Enter the mesh passphrase again if the one on this device is wrong.</p>}
      {(needsPassphrase || hasPassphrase === false || peer.encrypted) && <PassphraseField value={passphrase} onChange={setPassphrase} />}
      <button type="submit" className="primary" disabled={recreate.isRunning}>
        {peer.encrypted || isSealedElsewhere ? 'Save passphrase and sync' : alsoRecreate ? 'Make encrypted and recreate the database' : 'Make encrypted'}
      </button>
      {!peer.encrypted && !isSealedElsewhere && (
        <button type="button" onClick={() => setIsSwitching(false)}>
          Cancel
        </button>
      )}
      {recreate.isRunning && <p className="hint" role="status">Copying what only the server holds, then recreating…</p>}
      {recreate.notice}
    </form>
  );
}
