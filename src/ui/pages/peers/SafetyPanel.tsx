import type { PeerConfig } from '../../../domain/peer';
import { summarizeSafety, type SafetyReport } from '../../../sync/dataSafety';

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
      <p data-testid="safety-summary">{report ? summarizeSafety(report) : 'Asking the peers…'}</p>
      {report && (
        <ul className="safety-peers">
          {report.peers.map((holding) => {
            const peer = peers.find((p) => p.id === holding.peerId);
            return (
              <li key={holding.peerId} data-testid="safety-peer">
                <span className="peer-url">{peer?.url ?? holding.peerId}</span>{' '}
                {holding.isReachable
                  ? `holds ${holding.holds.toLocaleString('en')} of ${report.total.toLocaleString('en')} notes and files at their latest version`
                  : `could not be asked (${holding.error ?? 'unreachable'}); nothing is assumed`}
                {holding.missing.length > 0 && (
                  <span data-testid="safety-missing">
                    {' '}
                    Lacks: {holding.missing.slice(0, SHOWN_MISSING).map(docLabel).join(', ')}
                    {holding.missing.length > SHOWN_MISSING ? ` and ${holding.missing.length - SHOWN_MISSING} more` : ''}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
