// Offering to recreate a peer's database: what happens, the server admin login it needs, and how it went.
import { useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerCredentials } from '../../../domain/peer';
import type { PeerConfig } from '../../../domain/peer';
import { RECREATE_EXPLAINED, recreateNotice } from '../../notifications/recreateNotice';

/** The server admin login, typed for one use; never kept by the page once sent. */
export function AdminLoginFields({ value, onChange }: { value: PeerCredentials; onChange: (value: PeerCredentials) => void }) {
  return (
    <>
      <p className="hint" data-testid="recreate-explained">
        {RECREATE_EXPLAINED}
      </p>
      <input aria-label="Server admin user name" placeholder="Server admin" autoComplete="off" value={value.username} onChange={(e) => onChange({ ...value, username: e.target.value })} required />
      <input aria-label="Server admin password" type="password" placeholder="Admin password" autoComplete="off" value={value.password} onChange={(e) => onChange({ ...value, password: e.target.value })} />
    </>
  );
}

/** Runs a recreate and words its outcome; the login is cleared whatever happens. */
export function useRecreate() {
  const { recreator } = useServices();
  const [message, setMessage] = useState<{ tone: 'ok' | 'problem'; text: string } | undefined>();
  const [isRunning, setIsRunning] = useState(false);
  const run = async (peer: PeerConfig, admin: PeerCredentials, encrypt: boolean): Promise<boolean> => {
    setIsRunning(true);
    setMessage(undefined);
    try {
      const result = await recreator.recreate(peer.id, admin, { encrypt });
      setMessage(recreateNotice(result));
      return result.ok;
    } catch (err) {
      setMessage({ tone: 'problem', text: err instanceof Error ? err.message : String(err) });
      return false;
    } finally {
      setIsRunning(false);
    }
  };
  const notice = message && (
    <p className={`notice ${message.tone}`} role={message.tone === 'ok' ? 'status' : 'alert'} data-testid="recreate-outcome">
      {message.text}
    </p>
  );
  return { run, isRunning, notice };
}

/**
 * On an encrypted peer's row: recreate its database, for when it was plain
 * before and may still hold plain copies (or older plain versions).
 * @param recreate shared with the switch that may have just tried it, so only the latest outcome shows.
 */
export function RecreateDatabaseOffer({ peer, recreate }: { peer: PeerConfig; recreate: ReturnType<typeof useRecreate> }) {
  const [isOpen, setIsOpen] = useState(false);
  const [admin, setAdmin] = useState<PeerCredentials>({ username: '', password: '' });
  const { run, isRunning, notice } = recreate;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const login = admin;
    setAdmin({ username: '', password: '' });
    void run(peer, login, false).then((ok) => ok && setIsOpen(false));
  };
  if (!isOpen) {
    return (
      <>
        {notice}
        <button type="button" onClick={() => setIsOpen(true)}>
          Recreate the database on the server…
        </button>
      </>
    );
  }
  return (
    <form className="recreate-database" aria-label="Recreate the database" onSubmit={submit}>
      <p className="hint">If this peer was plain before, its plain copies stay on the server until its database is recreated.</p>
      <AdminLoginFields value={admin} onChange={setAdmin} />
      <button type="submit" className="danger" disabled={isRunning}>
        Recreate this database on the server
      </button>
      <button type="button" onClick={() => setIsOpen(false)}>
        Cancel
      </button>
      {isRunning && <p className="hint" role="status">Copying what only the server holds, then recreating…</p>}
      {notice}
    </form>
  );
}
