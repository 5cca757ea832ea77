import qrcode from 'qrcode-generator';
import { useState, type FormEvent } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { PeerConfig, PeerCredentials } from '../../../domain/peer';
import { makeSetupFragment } from '../../../domain/setupLink';

function qrSvg(text: string): string {
  const qr = qrcode(0, 'L');
  qr.addData(text);
  qr.make();
  return qr.createSvgTag({ cellSize: 3, margin: 2, scalable: true });
}

/**
 * "Invite a device": a link (and QR code) that another device opens to join
 * the mesh. Credentials go along only if the user ticks the box, and then
 * encrypted with a passphrase they tell the other device by other means.
 */
export function InvitePanel({ peers }: { peers: readonly PeerConfig[] }) {
  const { peers: directory, logger } = useServices();
  const [withCredentials, setWithCredentials] = useState(false);
  const [passphrase, setPassphrase] = useState('');
  const [link, setLink] = useState<string | undefined>();

  const make = (event: FormEvent) => {
    event.preventDefault();
    const build = async () => {
      const credentials: Record<string, PeerCredentials> = {};
      if (withCredentials) {
        for (const peer of peers) {
          const c = await directory.credentialsOf(peer.id);
          if (c) credentials[peer.url] = c;
        }
      }
      // The mesh passphrase goes along with the sign-ins, under the same invite passphrase.
      const meshPassphrase = withCredentials && peers.some((p) => p.encrypted) ? await directory.passphrase() : undefined;
      const fragment = await makeSetupFragment(
        {
          peers: peers.map((p) => ({ url: p.url, ...(p.username ? { username: p.username } : {}), ...(p.encrypted ? { encrypted: true } : {}) })),
          credentials,
          ...(meshPassphrase ? { meshPassphrase } : {}),
        },
        withCredentials ? passphrase : undefined,
      );
      setLink(`${window.location.origin}${window.location.pathname}${fragment}`);
    };
    build().catch((err: unknown) => logger.error('making a setup link failed', String(err)));
  };

  if (peers.length === 0) return null;
  return (
    <section className="invite" aria-label="Invite a device">
      <h2>Invite a device</h2>
      <form onSubmit={make} className="link-form" aria-label="Make a setup link">
        <label>
          <input type="checkbox" checked={withCredentials} onChange={(e) => setWithCredentials(e.target.checked)} /> Include
          this device’s sign-ins{peers.some((p) => p.encrypted) ? ' and the mesh passphrase of encrypted peers' : ''}, protected by a passphrase
        </label>
        {withCredentials && (
          <input
            aria-label="Passphrase for the setup link"
            type="password"
            minLength={8}
            required
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
          />
        )}
        <button type="submit">Make setup link</button>
      </form>
      {link && (
        <div className="setup-link">
          <p className="hint">Open this link on the new device, or scan the code. It works offline once the app is installed there.</p>
          <input readOnly aria-label="Setup link" value={link} onFocus={(e) => e.target.select()} />
          <div className="qr" data-testid="setup-qr" dangerouslySetInnerHTML={{ __html: qrSvg(link) }} />
        </div>
      )}
    </section>
  );
}
