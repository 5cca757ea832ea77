import type { PeerConfig } from '../../../domain/peer';
import { summarizeSafety, type PeerHolding, type SafetyReport } from '../../../sync/safety/dataSafety';

/** How many of the documents a peer lacks are named; the rest are counted. */
export const SHOWN_MISSING = 20;

/** "Where is my data safe?": the summary and what each peer lacks. */
export function SafetyPanel({
  report,
  peers,
  docLabel,
}: {
  report?: SafetyReport;
  peers: readonly PeerConfig[];
  docLabel: (id: string) => string;
}) {
  return (
    <section className="safety" aria-label="Where is my data safe">
      <h2>Where is my data safe?</h2>
      <p data-testid="safety-summary">
        {report ? summarizeSafety(report, undefined, { peerName: (id) => hostOf(peers.find((p) => p.id === id)?.url ?? id) }) : 'Asking the peers…'}
      </p>
      {report && (
        <ul className="safety-peers">
          {report.peers.map((holding) => {
            const peer = peers.find((p) => p.id === holding.peerId);
            return (
              <li key={holding.peerId} data-testid="safety-peer">
                <span className="peer-url">{peer?.url ?? holding.peerId}</span>{' '}
                {holding.isReachable
                  ? `holds ${holding.holds.toLocaleString('en')} of ${report.total.toLocaleString('en')} notes and files at their latest version`
                  : awayText(holding, report.total)}
                <Lacks label="Lacks:" ids={holding.missing} docLabel={docLabel} />
                <Lacks label="Not held then or changed since:" ids={holding.lastAnswer?.notHeld ?? []} docLabel={docLabel} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function Lacks({ label, ids, docLabel }: { label: string; ids: readonly string[]; docLabel: (id: string) => string }) {
  if (ids.length === 0) return null;
  return (
    <span data-testid="safety-missing">
      {' '}
      {label} {ids.slice(0, SHOWN_MISSING).map(docLabel).join(', ')}
      {ids.length > SHOWN_MISSING ? ` and ${ids.length - SHOWN_MISSING} more` : ''}
    </span>
  );
}

/** A peer that could not be asked: what it said last, if it answered since the app started, and how old that is. */
function awayText(holding: PeerHolding, total: number): string {
  const why = `could not be asked (${holding.error ?? 'unreachable'})`;
  const last = holding.lastAnswer;
  if (!last) return `${why}; nothing is assumed`;
  return (
    `${why}; when it last answered, ${timeOf(last.at)}, it held ${last.holds.toLocaleString('en')} of the ` +
    `${total.toLocaleString('en')} notes and files at their latest version; nothing is assumed for changes since`
  );
}

function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** A peer as people name it: host and database (pi.local:5984/notes), without scheme or credentials. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}
