import type { Logger } from '../sync/common/logger';

/** What the page caught that nothing else handled, counted since it loaded. */
export interface PageFaults {
  unhandledRejections: number;
  cspViolations: number;
}

/** The console line prefixes the e2e fixture watches for (tests/e2e/fixtures.ts): changing them breaks its guard. */
export const FAULT_MARKERS = { rejection: 'unhandled rejection caught', csp: 'Content-Security-Policy blocked' } as const;

/**
 * Keeps the app alive through faults no code handled, without hiding them.
 * @remarks An unhandled promise rejection is cancelled (PouchDB's replicator
 * can leak one when a peer dies mid-batch, see sync/catchUp/hardenRemote.ts; a
 * person should not see an error page for it) but logged and counted. A
 * Content-Security-Policy violation means something tried to run or load
 * what the policy forbids (a script slipped into a note, a file's markup):
 * it is blocked by the browser, and logged here with what was blocked.
 * The counts are readable as `window.p2pcloudFaults` for anyone debugging.
 */
export function watchPageFaults(logger: Logger, target: Window = window): PageFaults {
  const faults: PageFaults = { unhandledRejections: 0, cspViolations: 0 };
  target.addEventListener('unhandledrejection', (event) => {
    event.preventDefault();
    faults.unhandledRejections += 1;
    logger.warn(FAULT_MARKERS.rejection, String((event.reason as Error)?.message ?? event.reason));
  });
  target.addEventListener('securitypolicyviolation', (event) => {
    faults.cspViolations += 1;
    const where = event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : '';
    const blocked = !event.blockedURI || event.blockedURI === 'inline' ? 'inline code' : event.blockedURI;
    logger.warn(FAULT_MARKERS.csp, `${event.effectiveDirective} refused ${blocked}${where}`);
  });
  (target as Window & { p2pcloudFaults?: PageFaults }).p2pcloudFaults = faults;
  return faults;
}
