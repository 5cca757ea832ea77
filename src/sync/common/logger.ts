// The namespaced logger every part of sync writes through; it redacts credentials from every line.
import { redactCredentials } from '../../domain/peerUrl';

/** A namespaced logger; every message passes through credential redaction. */
export interface Logger {
  debug(message: string, detail?: string): void;
  info(message: string, detail?: string): void;
  warn(message: string, detail?: string): void;
  error(message: string, detail?: string): void;
  child(namespace: string): Logger;
}

type Sink = (level: 'debug' | 'info' | 'warn' | 'error', line: string) => void;

/* eslint-disable no-console -- the one place that writes to the console */
const consoleSink: Sink = (level, line) => {
  if (level === 'debug') return;
  console[level](line);
};
/* eslint-enable no-console */

/** Creates a logger for `namespace` (e.g. `sync:peer:<id>`), writing to `sink`. */
export function createLogger(namespace: string, sink: Sink = consoleSink): Logger {
  const write = (level: Parameters<Sink>[0]) => (message: string, detail?: string) =>
    sink(level, redactCredentials(`[${namespace}] ${message}${detail ? `: ${detail}` : ''}`));
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (sub) => createLogger(`${namespace}:${sub}`, sink),
  };
}

/** A logger that drops everything, for tests that do not read logs. */
export const silentLogger: Logger = createLogger('silent', () => undefined);
