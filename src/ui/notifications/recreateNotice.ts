// The words for recreating a peer's database (sync/peers/recreateDatabase.ts): what happens, and each outcome.
import type { RecreateResult, RecreateStep } from '../../sync/peers/recreateDatabase';
import { plural } from '../syncSummary';

/** What recreating does, said before the admin login is asked for. */
export const RECREATE_EXPLAINED =
  'The database is deleted on the server and created again, empty, with the same members and admins (its _security) and design documents. ' +
  'First, anything only that server holds (a note or file written on a device that has not synced with this one, another version of a note, a deletion) is copied to this device; ' +
  'if the server holds sealed documents this device has not opened yet, nothing is deleted. ' +
  'Then this device sends everything again, sealed, and the plain copies are gone from the server, older versions included. ' +
  'Deleting and creating a database needs a CouchDB server admin: the login is used for this once and not kept.';

const AFTER_DELETING: readonly RecreateStep[] = ['creating', 'restoring'];

/** One outcome in words: a title, and what to do next. */
export function recreateNotice(result: RecreateResult): { tone: 'ok' | 'problem'; text: string } {
  if (result.ok) {
    const copied = result.copied ? ` ${plural(result.copied, 'document')} only the server had ${result.copied === 1 ? 'was' : 'were'} copied to this device first.` : '';
    const designs = result.designDocs ? `, and its ${plural(result.designDocs, 'design document')}` : '';
    return {
      tone: 'ok',
      text: `Recreated: the database on the server is empty again, with the same members and admins${designs}.${copied} This device is sending everything again, sealed. Another device sends what it has when it next starts syncing with this peer (opening or reloading the app there).`,
    };
  }
  const { problem } = result;
  const nothingDeleted = 'Nothing was deleted.';
  const finish = 'Everything it held is on this device. Try again to finish: the members and admins it had are remembered until then (in this tab only).';
  switch (problem.kind) {
    case 'admin-refused':
      return { tone: 'problem', text: `The server refused that admin name or password. ${nothingDeleted}` };
    case 'not-admin':
      return { tone: 'problem', text: `That login is not a server admin of this CouchDB, and only one may delete and create databases. ${nothingDeleted}` };
    case 'gone':
      return { tone: 'problem', text: `The database is no longer on the server (deleted by someone else?), so its members and admins are unknown here. ${nothingDeleted} Create it again with "Create the database" when adding the peer, or in Fauxton.` };
    case 'not-here':
      return {
        tone: 'problem',
        text: `The server holds ${plural(problem.docIds.length, 'sealed document')} this device has not opened yet (written by another device, perhaps under another passphrase). ${nothingDeleted} Wait until this peer shows "Up to date" here, or enter the right mesh passphrase, then try again.`,
      };
    case 'unreachable':
      return AFTER_DELETING.includes(problem.step) || problem.step === 'deleting'
        ? { tone: 'problem', text: `The server stopped answering while the database was being recreated: it may not exist right now. ${finish}` }
        : { tone: 'problem', text: `The server did not answer. ${nothingDeleted} Try again when it is back.` };
    case 'failed':
      return AFTER_DELETING.includes(problem.step)
        ? { tone: 'problem', text: `The database was deleted, but the server refused ${problem.step === 'creating' ? 'to create it again' : 'its members, admins or design documents'} (HTTP ${problem.status}: ${problem.detail}). ${finish}` }
        : { tone: 'problem', text: `The server refused while ${problem.step === 'deleting' ? 'deleting' : 'reading'} the database (${problem.status ? `HTTP ${problem.status}: ` : ''}${problem.detail}). ${problem.step === 'deleting' ? 'It may not have been deleted.' : nothingDeleted}` };
  }
}
