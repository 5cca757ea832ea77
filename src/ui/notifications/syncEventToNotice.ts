import type { PeerUrlProblem } from '../../domain/peerUrl';
import type { SyncErrorReason } from '../../sync/common/errors';
import type { ProbeProblem } from '../../sync/peers/probePeer';
import type { PeerState, PeerStatus } from '../../sync/engine/peerStatus';

/** A message for the user, with what to do about it. */
export interface Notice {
  title: string;
  help?: string;
  /** An action the UI offers next to the message. */
  action?: 'create-database' | 'sign-in';
}

type AddProblem = PeerUrlProblem | ProbeProblem | { kind: 'duplicate'; url: string };

const CORS_HELP =
  'In CouchDB, enable CORS for this app: in Fauxton open Configuration → CORS and allow this origin, ' +
  'or set [chttpd] enable_cors = true and in [cors] origins = ' +
  `${typeof location === 'undefined' ? 'this app’s address' : location.origin}, credentials = true, ` +
  'headers = accept, authorization, content-type, origin, referer. Then try again.';

/** The one place that turns a failed peer check into words. */
export function addPeerNotice(problem: AddProblem): Notice {
  switch (problem.kind) {
    case 'empty':
      return { title: 'Enter the address of a CouchDB database, for example http://pi.local:5984/notes.' };
    case 'not-a-url':
      return {
        title: 'That is not a valid URL.',
        help: 'A peer address looks like http://pi.local:5984/notes: scheme, host, port, then the database name.',
      };
    case 'unsupported-scheme':
      return { title: `“${problem.scheme}:” addresses cannot be peers.`, help: 'Use an http:// or https:// address.' };
    case 'missing-database-name':
      return {
        title: 'The address has no database name.',
        help: 'Add the database to the end of the address, for example http://pi.local:5984/notes.',
      };
    case 'bad-database-name':
      return {
        title: `“${problem.name}” is not a valid CouchDB database name.`,
        help: 'Names start with a lowercase letter and may contain lowercase letters, digits and _$()+-/.',
      };
    case 'mixed-content':
      return {
        title: `This app is served over https, so the browser will not let it reach http://${problem.host} (mixed content).`,
        help: 'Give the peer TLS (CouchDB’s [ssl] section or a reverse proxy with a certificate; see the README) and add its https:// address.',
      };
    case 'duplicate':
      return { title: `${problem.url} is already one of your peers.` };
    case 'unreachable':
      return {
        title: 'Nothing answers at that address.',
        help: 'Check that the peer is switched on, that CouchDB is running and listening on the network (bind_address = 0.0.0.0), and the host and port.',
      };
    case 'unreadable':
      // The browser sees the same opaque answer from a router's page and from
      // CouchDB without CORS, so the message gives both causes and claims neither.
      return {
        title: 'Something answers at that address, but the browser could not read its answer.',
        help:
          'It may not be CouchDB (a router’s page, another app on that port): check the address and port; CouchDB usually listens on 5984. ' +
          `Or it is CouchDB without CORS for this app. ${CORS_HELP}`,
      };
    case 'cors':
      // Only reached when CouchDB's own welcome was readable: CORS is on, but not for credentials.
      return {
        title: 'CouchDB answered, but the browser blocked the signed-in request (CORS for this app does not allow credentials).',
        help: CORS_HELP,
      };
    case 'not-couchdb':
      return {
        title: `Something answers there, but it is not CouchDB${problem.status ? ` (HTTP ${problem.status})` : ''}.`,
        help: 'Check the port: CouchDB usually listens on 5984.',
      };
    case 'unauthorized':
      return problem.hadCredentials
        ? { title: 'The peer refused that user name or password.', help: 'Check them and try again.', action: 'sign-in' }
        : {
            title: 'This peer needs a user name and password.',
            help: 'CouchDB 3 refuses anonymous access. Enter the credentials of a user who may use this database.',
            action: 'sign-in',
          };
    case 'forbidden':
      return {
        title: 'Signed in, but this user may not use that database.',
        help: 'Add the user to the database’s members (its _security document), or sign in as another user.',
      };
    case 'no-database':
      return {
        title: 'The server is CouchDB, but that database does not exist.',
        help: 'Create it now (needs a server admin’s credentials), or check the name.',
        action: 'create-database',
      };
  }
}

/** The peer badge's words for each state. */
export const PEER_STATE_LABEL: Record<PeerState, string> = {
  connecting: 'Connecting',
  active: 'Syncing',
  upToDate: 'Up to date',
  backingOff: 'Offline, retrying',
  storageFull: 'Waiting: this device is full',
  unauthorized: 'Sign-in refused',
  failed: 'Error',
  paused: 'Paused on this device',
  signInNeeded: 'Sign in to use',
  passphraseNeeded: 'Enter the mesh passphrase to use',
};

/** What the peer row says about the peer's design documents, which the app leaves alone (sync/remote/designDocs.ts). */
export function designDocsNote(ids: readonly string[]): string {
  const which = ids.length === 1 ? 'a design document' : `${ids.length} design documents`;
  return `This peer has ${which} (${ids.join(', ')}) that this app ignores: they stay on that server and are not copied to this device or to other peers. A server link copies them, if you want that.`;
}

/** Why a peer stopped, in words. Nothing for `network`: being away is normal and shown by the badge. */
export function syncErrorNotice(
  reason: SyncErrorReason,
  docIds?: readonly string[],
  waiting?: PeerStatus['waiting'],
): Notice | undefined {
  switch (reason) {
    case 'network':
      return undefined;
    case 'unauthorized':
      return { title: 'The peer refused the saved credentials.', help: 'Sign in again to resume syncing.', action: 'sign-in' };
    case 'forbidden':
      return { title: 'This user may not use the peer’s database.', help: 'Ask for access, or sign in as another user.', action: 'sign-in' };
    case 'no-database':
      return { title: 'The database is gone from the peer.', help: 'It may have been deleted. Remove the peer, or recreate the database and resume.' };
    case 'too-large':
      return { title: 'A document is larger than the peer accepts.', help: 'Raise max_document_size on the peer, or make the note smaller.' };
    case 'quota':
      return {
        title: waiting
          ? `This device is full: ${waitingChanges(waiting)} from this peer ${waiting.count === 1 && !waiting.isAtLeast ? 'is' : 'are'} waiting.`
          : 'This device is full.',
        help: 'Free some space on this device (other apps, files, browser data): syncing resumes by itself. Nothing already saved is lost, and changes typed here still go out to the peer.',
      };
    case 'stuck':
      return {
        title: `Syncing is stuck on ${docIds && docIds.length === 1 ? 'one document' : 'a batch of documents'}: ${(docIds ?? []).join(', ')}.`,
        help: 'The peer keeps refusing it. Edit or delete that note, then resume the peer.',
      };
    case 'refused':
      return {
        title: `The peer refused ${docIds && docIds.length === 1 ? 'one document' : `${docIds?.length ?? 'some'} documents`}: ${(docIds ?? []).join(', ')}. It does not have ${docIds && docIds.length === 1 ? 'it' : 'them'}.`,
        help: 'Everything else keeps syncing. The peer’s rules or this user’s rights forbid it: edit the note, ask the peer’s owner, or sign in as a user who may write; it is sent again whenever syncing with this peer restarts.',
      };
    case 'unreadable':
      return {
        title: `This device could not open ${docIds && docIds.length === 1 ? 'one document' : `${docIds?.length ?? 'some'} documents`} from this encrypted peer: ${(docIds ?? []).join(', ')}. ${docIds && docIds.length === 1 ? 'It was' : 'They were'} not stored here.`,
        help: 'Everything else keeps syncing. Check the mesh passphrase entered for this peer: with another passphrase, or changed on the peer, or plain where ciphertext was expected, nothing is stored. They are read again whenever syncing with this peer restarts.',
      };
    case 'sealed':
      return {
        title: 'This peer holds encrypted documents: another device marked it encrypted.',
        help: 'Enter the mesh passphrase below to sync with it again. Until then this device stores nothing from it and sends it nothing; nothing already here was changed.',
      };
    case 'unknown':
      return { title: 'Syncing with this peer failed.', help: 'Pause and resume the peer to retry.' };
  }
}

/** "12 changes", or "at least 10,000 changes" when counting stopped early. */
export function waitingChanges(waiting: NonNullable<PeerStatus['waiting']>): string {
  const n = waiting.count.toLocaleString('en');
  return `${waiting.isAtLeast ? 'at least ' : ''}${n} change${waiting.count === 1 && !waiting.isAtLeast ? '' : 's'}`;
}
