// validate_doc_update for the test peer, as Apache CouchDB runs it on
// _bulk_docs: each document is checked against every design document's
// validate function; one that throws { forbidden } or { unauthorized } gets
// that error in the answer (HTTP 201), and the others are written.
// Not express-pouchdb's `validation` part: pouchdb-validation overwrites a
// document's `_revisions` with the stored one's before writing it, so a
// replicated update (new_edits: false) was silently stored as no change.
import { createRequire } from 'node:module';
import vm from 'node:vm';

const require = createRequire(import.meta.url);

/** The validate functions of a database's design documents. */
async function validators(db) {
  const res = await db.allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true });
  return res.rows
    .map((row) => row.doc)
    .filter((ddoc) => typeof ddoc?.validate_doc_update === 'string')
    .map((ddoc) => vm.runInNewContext(`(${ddoc.validate_doc_update})`, {}, { timeout: 1000 }));
}

/**
 * The refusal of `doc`, as CouchDB reports it in _bulk_docs, or null.
 * @returns {Promise<{ id: string, error: string, reason: string } | null>}
 */
async function refusal(db, funcs, doc, userCtx) {
  const id = String(doc._id ?? '');
  if (id.startsWith('_design/') || id.startsWith('_local/')) return null;
  const oldDoc = await db.get(id, { revs: true }).catch(() => null);
  for (const validate of funcs) {
    try {
      // A copy: the function may change what it is given, never what is stored.
      validate(structuredClone(doc), oldDoc, userCtx, {});
    } catch (thrown) {
      for (const error of ['forbidden', 'unauthorized']) {
        if (thrown && typeof thrown === 'object' && error in thrown) return { id, error, reason: String(thrown[error]) };
      }
      return { id, error: 'forbidden', reason: `validate_doc_update failed: ${String(thrown)}` };
    }
  }
  return null;
}

/**
 * An express layer that runs validate_doc_update on _bulk_docs.
 * @param {PouchDB.Static} PouchDB the server's databases.
 */
export function validationLayer(PouchDB) {
  const json = require('body-parser').json({ limit: '256mb' });
  return (req, res, next) => {
    if (req.method !== 'POST' || !/^\/[^/_][^/]*\/_bulk_docs$/.test(req.path)) return next();
    json(req, res, async (err) => {
      if (err) return next(err);
      try {
        const db = new PouchDB(decodeURIComponent(req.path.split('/')[1]));
        const funcs = await validators(db);
        const docs = Array.isArray(req.body?.docs) ? req.body.docs : [];
        if (!funcs.length || !docs.length) return next();
        const user = req.peerUser;
        const userCtx = { db: db.name, name: user?.name ?? null, roles: user?.roles ?? [] };
        const refusals = await Promise.all(docs.map((doc) => refusal(db, funcs, doc, userCtx)));
        if (!refusals.some(Boolean)) return next();
        const accepted = docs.filter((_, i) => !refusals[i]);
        const options = 'new_edits' in req.body ? { new_edits: req.body.new_edits } : {};
        const written = accepted.length ? await db.bulkDocs(accepted, options) : [];
        const results = [
          ...written.map((r) => (r.error ? { id: r.id, error: r.name, reason: r.message } : r)),
          ...refusals.filter(Boolean),
        ];
        res.status(201).set('Content-Type', 'application/json').send(JSON.stringify(results));
      } catch (failure) {
        next(failure);
      }
    });
  };
}
