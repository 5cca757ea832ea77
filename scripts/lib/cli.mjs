// What setup-peer and deploy-app share as commands: one CouchDB URL, --help,
// --timeout, and failures turned into a message and an exit code. Messages
// never echo the arguments: one of them may be a mistyped password.
import { parseArgs } from 'node:util';
import { EXIT, SetupPeerError } from './setupPeerHttp.mjs';

/**
 * Parses a command line of `<couchdb-url> [options]`, or exits with the
 * usage (code 2) or the help (code 0).
 * @param {string} name the command, for messages
 * @param {string} usage
 * @param {import('node:util').ParseArgsConfig['options']} options besides --timeout and --help
 * @param {number} defaultTimeoutSeconds
 * @returns {{ url: string, values: Record<string, any>, timeoutMs: number }}
 */
export function parseCommand(name, usage, options, defaultTimeoutSeconds) {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: { ...options, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    // parseArgs names the option it did not understand, never a value.
    console.error(`${name}: ${err instanceof Error ? err.message : String(err)}\n\n${usage}`);
    process.exit(EXIT.usage);
  }
  const { values, positionals } = args;
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (positionals.length !== 1) {
    console.error(`${name}: give exactly one CouchDB URL (got ${positionals.length}).\n\n${usage}`);
    process.exit(EXIT.usage);
  }
  const seconds = values.timeout === undefined ? defaultTimeoutSeconds : Number(values.timeout);
  if (!(seconds > 0)) {
    console.error(`${name}: --timeout must be a number of seconds above 0.`);
    process.exit(EXIT.usage);
  }
  return { url: /** @type {string} */ (positionals[0]), values, timeoutMs: seconds * 1000 };
}

/**
 * Runs a command's work; a SetupPeerError becomes its message and exit code,
 * anything else its message only (a stack could quote arguments).
 * @param {string} name
 * @param {() => Promise<void>} work
 */
export async function runCommand(name, work) {
  try {
    await work();
  } catch (err) {
    if (err instanceof SetupPeerError) {
      console.error(`${name}: ${err.message}`);
      process.exit(err.exitCode);
    }
    console.error(`${name}: unexpected failure: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
