import { useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import { addPeerNotice, type Notice } from '../../notifications/syncEventToNotice';
import { PassphraseField, useHasPassphrase } from './EncryptionPanel';

type Outcome = { tone: 'ok'; text: string } | { tone: 'problem'; notice: Notice };

/** Adds a peer by database URL, checking it first; offers to create a missing database. */
export function AddPeerForm({ initialUrl = '', initialUser = '', initialPassword = '' }) {
  const { peers } = useServices();
  const [url, setUrl] = useState(initialUrl);
  const [username, setUsername] = useState(initialUser);
  const [password, setPassword] = useState(initialPassword);
  const [isBusy, setIsBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [isEncrypted, setIsEncrypted] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const hasPassphrase = useHasPassphrase(outcome ? 1 : 0);

  const credentials = username ? { username, password } : undefined;
  const done = (text: string) => {
    setOutcome({ tone: 'ok', text });
    setUrl('');
    setUsername('');
    setPassword('');
    setPassphrase('');
    setIsEncrypted(false);
  };
  /** The passphrase first: an encrypted peer never starts without it. */
  const keepPassphrase = async () => {
    if (isEncrypted && passphrase) await peers.setPassphrase(passphrase);
  };

  const run = (work: () => Promise<void>) => {
    setIsBusy(true);
    setOutcome(undefined);
    work()
      .catch((err: unknown) =>
        setOutcome({ tone: 'problem', notice: { title: 'Adding the peer failed.', help: String(err) } }),
      )
      .finally(() => setIsBusy(false));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    run(async () => {
      await keepPassphrase();
      const result = await peers.add(url, credentials, { encrypted: isEncrypted });
      if (result.ok) done(`Added ${result.peer.url} (${result.server}). Syncing starts now.`);
      else setOutcome({ tone: 'problem', notice: addPeerNotice(result.problem) });
    });
  };

  const createDatabase = () =>
    run(async () => {
      await keepPassphrase();
      const result = await peers.createDatabaseAndAdd(url, credentials, { encrypted: isEncrypted });
      if (result.ok) done(`Created the database and added ${result.peer.url}. Syncing starts now.`);
      else {
        setOutcome({
          tone: 'problem',
          notice:
            result.status === 401 || result.status === 403
              ? { title: 'Creating a database needs a server admin.', help: 'Enter an admin’s user name and password, or create it in Fauxton.' }
              : { title: `The peer did not create the database${result.status ? ` (HTTP ${result.status})` : ''}.` },
        });
      }
    });

  return (
    <form className="add-peer" onSubmit={submit} aria-label="Add a peer">
      <label>
        Database URL
        <input
          name="url"
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="http://pi.local:5984/notes"
          autoComplete="off"
          spellCheck={false}
          required
        />
      </label>
      <label>
        User name <span className="hint">(optional)</span>
        <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
        />
      </label>
      <label>
        <input type="checkbox" name="encrypted" checked={isEncrypted} onChange={(e) => setIsEncrypted(e.target.checked)} /> Encrypted:
        this peer holds only ciphertext, readable with the mesh passphrase
      </label>
      {isEncrypted && hasPassphrase === false && <PassphraseField value={passphrase} onChange={setPassphrase} />}
      <button type="submit" className="primary" disabled={isBusy}>
        {isBusy ? 'Checking…' : 'Add peer'}
      </button>
      {outcome?.tone === 'ok' && (
        <p className="notice ok" role="status">
          {outcome.text}
        </p>
      )}
      {outcome?.tone === 'problem' && (
        <div className="notice problem" role="alert" data-testid="add-peer-problem">
          <strong>{outcome.notice.title}</strong>
          {outcome.notice.help && <p>{outcome.notice.help}</p>}
          {outcome.notice.action === 'create-database' && (
            <button type="button" onClick={createDatabase} disabled={isBusy}>
              Create the database
            </button>
          )}
        </div>
      )}
    </form>
  );
}
