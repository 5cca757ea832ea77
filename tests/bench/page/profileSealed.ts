// Where a push through an encrypted peer spends its time (npm run bench --
// --only profile --encrypted): the sealing alone, part by part, and the same
// fast push with and without the encrypted handle. Printed only; the report's
// figures are the pushes of bench.mjs.
import PouchDB from 'pouchdb-browser';
import { MeshKeyring, toBase64 } from '../../../src/domain/envelope';
import { openDoc, sealDoc } from '../../../src/sync/remote/sealedDocs';
import { encryptPeer } from '../../../src/sync/remote/encryptedPeer';
import { UnreadableDocs } from '../../../src/sync/remote/unreadableDocs';
import { fastReplicate } from '../../../src/sync/catchUp/fastReplicate';
import { benchDocs } from '../../../scripts/bench/docs.mjs';
import { BENCH_PASSPHRASE, remoteOf, type Target } from './engine';

const time = async (work: () => unknown): Promise<number> => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

/** Sealing `n` bench documents in batches of 1000, and its parts, each timed alone. */
async function sealParts(n: number): Promise<Record<string, number>> {
  const batches = Array.from({ length: Math.ceil(n / 1000) }, (_, k) => benchDocs(k * 1000, Math.min(n, (k + 1) * 1000)));
  const keyring = new MeshKeyring(BENCH_PASSPHRASE);
  const out: Record<string, number> = {};
  // The first seal derives the key: timed apart from the rest.
  out['deriveKey (first seal)'] = await time(() => sealDoc(keyring, batches[0]![0]!));
  out['sealDoc, Promise.all per 1000'] = await time(async () => {
    for (const docs of batches) await Promise.all(docs.map((doc) => sealDoc(keyring, doc)));
  });
  const encoder = new TextEncoder();
  const plains = batches.flat().map((doc) => encoder.encode(JSON.stringify(doc)));
  out['JSON.stringify + encode'] = await time(() => {
    for (const doc of batches.flat()) encoder.encode(JSON.stringify(doc));
  });
  const key = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'AES-GCM', false, ['encrypt']);
  const encryptAll = (group: number) => async () => {
    for (let i = 0; i < plains.length; i += group) {
      await Promise.all(
        plains.slice(i, i + group).map((plain) => crypto.subtle.encrypt({ name: 'AES-GCM', iv: crypto.getRandomValues(new Uint8Array(12)), additionalData: encoder.encode('aad') }, key, plain)),
      );
    }
  };
  out['encrypt, one at a time'] = await time(encryptAll(1));
  out['encrypt, Promise.all per 1000'] = await time(encryptAll(1000));
  const cts = await Promise.all(plains.map((plain) => crypto.subtle.encrypt({ name: 'AES-GCM', iv: new Uint8Array(12) }, key, plain)));
  out['toBase64'] = await time(() => {
    for (const ct of cts) toBase64(new Uint8Array(ct));
  });
  // Uint8Array.prototype.toBase64 where the browser has it (native, no binary string between).
  const native = (bytes: Uint8Array) => (bytes as unknown as { toBase64?: () => string }).toBase64?.();
  out['Uint8Array toBase64 (native)'] = native(new Uint8Array(1)) === undefined ? -1 : await time(() => {
    for (const ct of cts) native(new Uint8Array(ct));
  });
  return out;
}

/** Times a fast push of `n` bench documents plain, sealed, sealed with the key already derived, and the peer's side alone: each into its own empty database. */
export async function profileSealedPush(plain: Target, sealed: Target, keyReady: Target, bare: Target, n: number): Promise<Record<string, unknown>> {
  const parts = await sealParts(n);
  const local = new PouchDB(`profile-sealed-${Date.now()}`, { auto_compaction: false });
  for (let from = 0; from < n; from += 2000) await local.bulkDocs(benchDocs(from, Math.min(n, from + 2000)), { new_edits: false });
  const plainPush = await time(() => fastReplicate({ source: local, target: remoteOf(plain) }));
  const keyring = new MeshKeyring(BENCH_PASSPHRASE);
  const target = encryptPeer(remoteOf(sealed), keyring, new UnreadableDocs(() => undefined, {}));
  // Timed from the first call on: the key derivation included, as in the engine.
  const sealedPush = await time(() => fastReplicate({ source: local, target }));
  // The same again into another empty database, the key already derived: the push without the derivation.
  const again = encryptPeer(remoteOf(keyReady), keyring, new UnreadableDocs(() => undefined, {}));
  const sealedPushKeyReady = await time(() => fastReplicate({ source: local, target: again }));
  // The peer's side alone: documents sealed beforehand, written with _bulk_docs.
  const sealedDocs = await Promise.all(benchDocs(0, n).map((doc) => sealDoc(keyring, doc)));
  const bareDb = remoteOf(bare);
  const bareSealedBulkDocs = await time(async () => {
    for (let i = 0; i < n; i += 1000) await bareDb.bulkDocs(sealedDocs.slice(i, i + 1000) as Array<PouchDB.Core.PutDocument<object>>, { new_edits: false });
  });
  const sizes = { plainDocBytes: JSON.stringify(benchDocs(0, 1)[0]).length, sealedDocBytes: JSON.stringify(sealedDocs[0]).length };
  await local.destroy();
  // Pulls back: of the plain database, and of the sealed one with a fresh keyring (its derivation
  // included) and with one that has its key; then opening alone.
  const pullInto = async (from: PouchDB.Database) => {
    const into = new PouchDB(`profile-pull-${Date.now()}-${Math.random()}`, { auto_compaction: false });
    const ms = await time(() => fastReplicate({ source: from, target: into }));
    await into.destroy();
    return ms;
  };
  const plainPull = await pullInto(remoteOf(plain));
  const sealedPull = await pullInto(encryptPeer(remoteOf(sealed), new MeshKeyring(BENCH_PASSPHRASE), new UnreadableDocs(() => undefined, {})));
  const sealedPullKeyReady = await pullInto(encryptPeer(remoteOf(sealed), keyring, new UnreadableDocs(() => undefined, {})));
  const openAll = await time(async () => {
    for (let i = 0; i < n; i += 1000) await Promise.all(sealedDocs.slice(i, i + 1000).map((doc) => openDoc(keyring, doc)));
  });
  return { parts, plainPush, sealedPush, sealedPushKeyReady, bareSealedBulkDocs, ...sizes, plainPull, sealedPull, sealedPullKeyReady, openAll };
}
