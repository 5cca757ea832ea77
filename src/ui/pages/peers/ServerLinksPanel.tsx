import { useEffect, useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerConfig } from '../../../domain/peer';
import type { ServerLink } from '../../../sync/serverLinks';

type Listed = ServerLink & { server: string };

const REFRESH_MS = 5000;

/**
 * Links between servers: two always-on peers (say two Raspberry Pis) that
 * replicate with each other directly, with no browser open. The links live
 * in the first server's `_replicator` database; listing them needs that
 * server's admin login, remembered on this device only.
 */
export function ServerLinksPanel({ peers }: { peers: readonly PeerConfig[] }) {
  const { links, logger } = useServices();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [admin, setAdmin] = useState({ username: '', password: '' });
  const [listed, setListed] = useState<Listed[]>([]);
  const [message, setMessage] = useState<{ tone: 'ok' | 'problem'; text: string } | undefined>();
  const urls = peers.map((p) => p.url);
  const key = urls.join('\n');

  const [generation, setGeneration] = useState(0);
  const refresh = () => setGeneration((g) => g + 1);
  useEffect(() => {
    let isCurrent = true;
    links
      .list(key ? key.split('\n') : [])
      .then((found) => isCurrent && setListed(found))
      .catch((err: unknown) => logger.warn('listing server links failed', String(err)));
    // Servers change a link's state on their own (running, crashing…): look again now and then.
    const timer = setTimeout(() => setGeneration((g) => g + 1), REFRESH_MS);
    return () => {
      isCurrent = false;
      clearTimeout(timer);
    };
  }, [links, logger, key, generation]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMessage(undefined);
    links
      .link(from, to, admin)
      .then(() => {
        setMessage({ tone: 'ok', text: `Linked: ${from} and ${to} now sync with each other directly.` });
        // The login is remembered by the link service; keep no copy on screen.
        setAdmin({ username: '', password: '' });
        refresh();
      })
      .catch((err: unknown) => setMessage({ tone: 'problem', text: err instanceof Error ? err.message : String(err) }));
  };
  const remove = (link: Listed) => {
    links
      .remove(link.server, link.docId)
      .then(refresh)
      .catch((err: unknown) => setMessage({ tone: 'problem', text: err instanceof Error ? err.message : String(err) }));
  };

  if (peers.length < 2) return null;
  return (
    <section className="server-links" aria-label="Links between servers">
      <h2>Links between servers</h2>
      <p className="hint">Let two peers sync with each other directly, so they stay in step while no device is open.</p>
      <form className="link-form" aria-label="Link two servers" onSubmit={submit}>
        <select aria-label="First server (runs the link)" value={from} onChange={(e) => setFrom(e.target.value)} required>
          <option value="">First server…</option>
          {urls.map((u) => <option key={u} value={u}>{u}</option>)}
        </select>
        <select aria-label="Second server" value={to} onChange={(e) => setTo(e.target.value)} required>
          <option value="">Second server…</option>
          {urls.filter((u) => u !== from).map((u) => <option key={u} value={u}>{u}</option>)}
        </select>
        <input aria-label="Admin user name of the first server" placeholder="Admin user" value={admin.username} onChange={(e) => setAdmin({ ...admin, username: e.target.value })} required />
        <input aria-label="Admin password of the first server" type="password" placeholder="Admin password" value={admin.password} onChange={(e) => setAdmin({ ...admin, password: e.target.value })} />
        <button type="submit">Link both ways</button>
      </form>
      {message && <p className={`notice ${message.tone}`} role={message.tone === 'ok' ? 'status' : 'alert'}>{message.text}</p>}
      {listed.length > 0 && (
        <ul className="link-list">
          {listed.map((link) => (
            <li key={link.docId} data-testid="server-link">
              {link.source} → {link.target}: <strong data-testid="server-link-state">{link.state}</strong>
              {link.error ? ` (${link.error})` : ''}
              <button type="button" onClick={() => remove(link)}>Remove</button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
