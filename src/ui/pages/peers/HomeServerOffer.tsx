import { useEffect, useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { couchappPlace, offeredNotesDb } from '../../../domain/couchapp';
import { addPeerNotice, type Notice } from '../../notifications/syncEventToNotice';

/** The notes database of the CouchDB server that serves this page, when it does (npm run deploy-app). */
function useHomeServer(): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    const place = couchappPlace(window.location.href);
    if (!place) return;
    let isCurrent = true;
    // Public: the app's database is readable without a login, and the design
    // document says which notes database deploy-app set up beside it.
    fetch(place.designDocUrl, { cache: 'no-store', headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? (res.json() as Promise<unknown>) : undefined))
      .then((doc) => {
        const db = offeredNotesDb(doc);
        if (isCurrent && db) setUrl(`${place.serverUrl}/${db}`);
      })
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, []);
  return url;
}

/**
 * Opened from a CouchDB server (the app deployed there), offers that
 * server's notes database as the first peer: same origin, so no CORS
 * setting is needed; the person signs in with their CouchDB login.
 */
export function HomeServerOffer({ knownUrls }: { knownUrls: readonly string[] }) {
  const { peers, logger } = useServices();
  const url = useHomeServer();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Notice | undefined>();
  const [isBusy, setIsBusy] = useState(false);
  if (!url || knownUrls.includes(url)) return null;
  const use = (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    peers
      .add(url, username ? { username, password } : undefined)
      .then((result) => setProblem(result.ok ? undefined : addPeerNotice(result.problem)))
      .catch((err: unknown) => logger.error('adding the home server failed', String(err)))
      .finally(() => setIsBusy(false));
  };
  return (
    <form className="notice ok local-peer-offer" onSubmit={use} aria-label="This server can be your first peer">
      <p>
        <strong>This server can be your first peer.</strong> It serves this app, and its database{' '}
        <code>{url}</code> can hold your notes and files. Sign in with your CouchDB user name and password.
      </p>
      <label>
        User name on this server
        <input value={username} autoComplete="username" onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        Password on this server
        <input type="password" value={password} autoComplete="current-password" onChange={(e) => setPassword(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={isBusy}>
        {isBusy ? 'Checking…' : 'Use this server'}
      </button>
      {problem && (
        <p role="alert">
          <strong>{problem.title}</strong> {problem.help}
        </p>
      )}
    </form>
  );
}
