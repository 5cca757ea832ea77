// The peers this device knows: adding one (checked first), removing, signing in, the shared peer list.
import { peerIdFor, type PeerId } from '../../domain/ids';
import type { PeerConfig, PeerCredentials } from '../../domain/peer';
import { parsePeerUrl, type ParsedPeerUrl, type PeerUrlProblem } from '../../domain/peerUrl';
import type { PeerStore } from '../../storage/peerStore';
import { createRemoteDatabase, probePeer, type ProbeEnv, type ProbeProblem } from './probePeer';

/** The outcome of trying to add a peer; every failure names what to fix. */
export type AddPeerResult =
  | { ok: true; peer: PeerConfig; server: string }
  | { ok: false; problem: PeerUrlProblem | ProbeProblem | { kind: 'duplicate'; url: string } };

/** The outcome of creating a missing database on a peer. */
export type CreateDatabaseResult = { ok: true; peer: PeerConfig } | { ok: false; status: number };

/** Collaborators of {@link PeerDirectory}. */
export interface PeerDirectoryDeps {
  store: PeerStore;
  probe: ProbeEnv;
  /** The app page's protocol, for the mixed-content check. */
  pageProtocol: string;
  /** Told after every change to the list, so the sync host can follow. */
  onChanged: () => void;
  now?: () => Date;
}

/**
 * Adding, removing, pausing and signing in to peers.
 * @remarks A peer is checked before it is saved, so a typo never becomes a
 * peer that silently fails forever. Credentials go to the device-only store.
 */
export class PeerDirectory {
  constructor(private readonly deps: PeerDirectoryDeps) {}

  list(): Promise<PeerConfig[]> {
    return this.deps.store.list();
  }

  /** This device's credentials for a peer, for a setup link the user asked to include them in. */
  credentialsOf(id: PeerId): Promise<PeerCredentials | undefined> {
    return this.deps.store.getCredentials(id);
  }

  /**
   * Checks a typed address (and optional credentials) and, if the peer is usable, saves it.
   * @param options.encrypted the peer is to hold only ciphertext (issue #16).
   */
  async add(input: string, typedCredentials?: PeerCredentials, options: { encrypted?: boolean } = {}): Promise<AddPeerResult> {
    const parsed = parsePeerUrl(input, this.deps.pageProtocol);
    if (!parsed.ok) return parsed;
    const credentials = pickCredentials(typedCredentials, parsed.value);
    const existing = (await this.deps.store.list()).find((p) => p.url === parsed.value.url);
    if (existing) return { ok: false, problem: { kind: 'duplicate', url: existing.url } };
    const probed = await probePeer(parsed.value, credentials, this.deps.probe);
    if (!probed.ok) return probed;
    const peer = await this.save(parsed.value, credentials, false, options.encrypted);
    return { ok: true, peer, server: probed.server };
  }

  /** Creates the database on the peer (needs a server admin), then adds the peer. */
  async createDatabaseAndAdd(input: string, typedCredentials?: PeerCredentials, options: { encrypted?: boolean } = {}): Promise<CreateDatabaseResult> {
    const parsed = parsePeerUrl(input, this.deps.pageProtocol);
    if (!parsed.ok) return { ok: false, status: 0 };
    const credentials = pickCredentials(typedCredentials, parsed.value);
    const created = await createRemoteDatabase(parsed.value, credentials, this.deps.probe);
    if (!created.ok) return created;
    return { ok: true, peer: await this.save(parsed.value, credentials, false, options.encrypted) };
  }

  /**
   * Adds a peer that another device vouched for (a setup link), without
   * checking it first: with credentials it starts syncing; without, when the
   * peer needs a login, it waits as "sign in to use".
   */
  async adopt(url: string, username: string | undefined, credentials?: PeerCredentials, encrypted = false): Promise<PeerConfig | undefined> {
    const parsed = parsePeerUrl(url, this.deps.pageProtocol);
    if (!parsed.ok) return undefined;
    const existing = (await this.deps.store.list()).find((p) => p.url === parsed.value.url);
    if (existing) {
      if (credentials) await this.signIn(existing.id, credentials);
      if (encrypted) await this.setEncrypted(existing.id);
      return existing;
    }
    // A user name in the link means the peer wants a login, even if no password came along.
    return this.save(parsed.value, credentials, !!username, encrypted);
  }

  /** Whether this device holds the mesh passphrase of encrypted peers. */
  async hasPassphrase(): Promise<boolean> {
    return !!(await this.passphrase());
  }

  /** The mesh passphrase, for a setup link the user asked to include it in; never shown or logged. */
  passphrase(): Promise<string | undefined> {
    return this.deps.store.getPassphrase?.() ?? Promise.resolve(undefined);
  }

  /**
   * Keeps the mesh passphrase on this device (never in the replicated peer
   * list), which restarts syncing with every encrypted peer.
   */
  async setPassphrase(passphrase: string): Promise<void> {
    if (!passphrase) throw new Error('The mesh passphrase cannot be empty.');
    if (!this.deps.store.setPassphrase) throw new Error('This device cannot keep a passphrase.');
    await this.deps.store.setPassphrase(passphrase);
    this.deps.onChanged();
  }

  /**
   * Marks a peer encrypted, on every device: from now on each sends it only
   * ciphertext. What it already holds in plain stays there until its
   * database is recreated.
   */
  async setEncrypted(id: PeerId): Promise<void> {
    const peer = (await this.deps.store.list()).find((p) => p.id === id);
    if (!peer || peer.encrypted) return;
    await this.deps.store.save({ ...peer, encrypted: true });
    this.deps.onChanged();
  }

  async remove(id: PeerId): Promise<void> {
    await this.deps.store.remove(id);
    this.deps.onChanged();
  }

  async setPaused(id: PeerId, isPaused: boolean): Promise<void> {
    const peer = (await this.deps.store.list()).find((p) => p.id === id);
    if (!peer) return;
    await this.deps.store.save({ ...peer, isPaused });
    this.deps.onChanged();
  }

  /** Replaces a peer's credentials (after a 401), which restarts its sync. */
  async signIn(id: PeerId, credentials: PeerCredentials): Promise<void> {
    const peer = (await this.deps.store.list()).find((p) => p.id === id);
    if (!peer) return;
    await this.deps.store.setCredentials(id, credentials);
    await this.deps.store.save({ ...peer, username: credentials.username });
    this.deps.onChanged();
  }

  private async save(parsed: ParsedPeerUrl, credentials?: PeerCredentials, needsLogin = false, encrypted = false): Promise<PeerConfig> {
    const peer: PeerConfig = {
      id: peerIdFor(parsed.url),
      url: parsed.url,
      isPaused: false,
      addedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      // Whoever had to give credentials here must give them on every device.
      ...(credentials ? { username: credentials.username, needsLogin: true } : {}),
      ...(needsLogin ? { needsLogin: true } : {}),
      ...(encrypted ? { encrypted: true } : {}),
    };
    // Credentials first: a peer must never start syncing without the ones the user gave.
    if (credentials) await this.deps.store.setCredentials(peer.id, credentials);
    await this.deps.store.save(peer);
    this.deps.onChanged();
    return peer;
  }
}

function pickCredentials(typed: PeerCredentials | undefined, parsed: ParsedPeerUrl): PeerCredentials | undefined {
  if (typed && typed.username) return typed;
  return parsed.credentials;
}
