// Note-sized benchmark documents (~500 bytes of JSON each), the same in Node
// (seeding a peer) and in the bench page (local bulkDocs and push sources).
// Deterministic: document i is the same everywhere and in every run.

/** mulberry32, a small seeded PRNG. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'sync mesh peer note offline replica change revision device garden recipe meeting idea travel book list'.split(' ');

function hex(random, length) {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 16).toString(16);
  return out;
}

/**
 * Document `i` as replication writes it: an edited note (two revisions of
 * history) with `_rev` and `_revisions`, for bulkDocs with new_edits:false.
 * @param {number} i
 * @returns {Record<string, unknown> & { _id: string, _rev: string }}
 */
export function benchDoc(i) {
  const random = prng(i + 1);
  const first = hex(random, 32);
  const second = hex(random, 32);
  const words = Array.from({ length: 36 }, () => WORDS[Math.floor(random() * WORDS.length)]);
  const created = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    _id: `note:${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    _rev: `2-${second}`,
    _revisions: { start: 2, ids: [second, first] },
    type: 'note',
    schemaVersion: 1,
    title: `Note ${i}: ${words.slice(0, 4).join(' ')}`,
    body: `# ${words[0]}\n\n${words.join(' ')}.`,
    createdAt: created,
    updatedAt: created,
    updatedBy: 'Bench device',
  };
}

/**
 * Documents `from` (inclusive) to `to` (exclusive).
 * @param {number} from
 * @param {number} to
 */
export function benchDocs(from, to) {
  return Array.from({ length: to - from }, (_, k) => benchDoc(from + k));
}
