import { useEffect, useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerConfig } from '../../../domain/peer';
import type { ServerLink } from '../../../sync/peers/serverLinks';

type Listed = ServerLink & { server: string };

const REFRESH_MS = 5000;

/**
 * Links between servers: two always-on peers (say two Raspberry Pis) that
 * replicate with each other directly, with no browser open. The links live
 * in the first server's `_replicator` database; listing them needs that
 * server's admin login, remembered on this device only. A link can also carry
 * the app (sync/peers/appLink.ts), with the second server's admin login, which is
 * used once and not kept here (it stays in the first server's link document).
 */
export function ServerLinksPanel({ peers }: { peers: readonly PeerConfig[] }) {
  const { links, logger } = useServices();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [admin, setAdmin] = useState({ username: '', password: '' });
  const [withApp, setWithApp] = useState(false);
  const [targetAdmin, setTargetAdmin] = useState({ username: '', password: '' });
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
    // The policy this page runs under is the one the second server must send with the app.
    const policy = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content');
    const carry = async () => {
      if (!withApp) return '';
      if (!policy) throw new Error('This copy of the app has no Content-Security-Policy (a development build?): deploy a built app first.');
      await links.carryApp(from, to, admin, targetAdmin, policy);
      return ' The second server will also serve the app, and every version deployed to the first.';
    };
    links
      .link(from, to, admin)
      .then(carry)
      .then((app) => {
        setMessage({ tone: 'ok', text: `Linked: ${from} and ${to} now sync with each other directly.${app}` });
        // The login is remembered by the link service; keep no copy on screen.
        setAdmin({ username: '', password: '' });
        setTargetAdmin({ username: '', password: '' });
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
        <label className="hint">
          <input type="checkbox" checked={withApp} onChange={(e) => setWithApp(e.target.checked)} /> Also serve the app from the
          second server (it copies the first one's app, deployed with npm run deploy-app)
        </label>
        {withApp && (
          <>
            <input aria-label="Admin user name of the second server" placeholder="Its admin user" value={targetAdmin.username} onChange={(e) => setTargetAdmin({ ...targetAdmin, username: e.target.value })} required />
            <input aria-label="Admin password of the second server" type="password" placeholder="Its admin password" value={targetAdmin.password} onChange={(e) => setTargetAdmin({ ...targetAdmin, password: e.target.value })} />
          </>
        )}
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
