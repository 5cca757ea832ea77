import { useState } from 'react';
import { useServices } from '../../../app/ServicesContext';
import type { FileEntry } from '../../../domain/file';
import type { ChunkHolding } from '../../../sync/safety/locateChunks';
import { useSyncStatus } from '../../hooks/useSyncStatus';

/**
 * How far a file has travelled: for each peer still receiving it, how many
 * parts it has; for a file still arriving, how many parts are here, and on
 * request which peer holds the rest.
 */
export function FileTransfer({ file }: { file: FileEntry }) {
  const { peers, statuses } = useSyncStatus();
  const parts = new Set(file.chunks);
  const uploads = peers.flatMap((peer) => {
    const unsent = statuses[peer.id]?.unsentChunks;
    if (!file.isComplete || !unsent?.length) return [];
    const missing = unsent.filter((hash) => parts.has(hash)).length;
    return missing > 0 ? [{ url: peer.url, sent: parts.size - missing }] : [];
  });
  return (
    <>
      {uploads.map(({ url, sent }) => (
        <div key={url} className="file-transfer" data-testid="file-upload">
          <progress max={parts.size} value={sent} aria-label={`Sending ${file.name} to ${url}`} />
          <span>
            sending to {url}: {sent} of {parts.size} parts there
          </span>
        </div>
      ))}
      {!file.isComplete && (
        <div className="file-transfer">
          <progress max={file.presence.total} value={file.presence.present} aria-label={`Receiving ${file.name}`} />
          <WhereIsIt file={file} />
        </div>
      )}
    </>
  );
}

/** Asks the peers, on request, which of them hold the parts of an incomplete file. */
function WhereIsIt({ file }: { file: FileEntry }) {
  const { locateChunks } = useServices();
  const { peers } = useSyncStatus();
  const [answer, setAnswer] = useState<ChunkHolding[] | undefined>();
  const [isAsking, setAsking] = useState(false);
  const ask = () => {
    setAsking(true);
    locateChunks(file.chunks)
      .then(setAnswer)
      .catch(() => setAnswer([]))
      .finally(() => setAsking(false));
  };
  const urlOf = (id: string) => peers.find((p) => p.id === id)?.url ?? id;
  return (
    <>
      <button type="button" onClick={ask} disabled={isAsking}>
        {isAsking ? 'Asking the peers…' : 'Which peer has it?'}
      </button>
      {answer && (
        <ul className="file-holders" aria-label={`Peers holding ${file.name}`}>
          {answer.length === 0 && <li>No peer is known; add one on the Peers page.</li>}
          {answer.map((h) => (
            <li key={h.peerId} data-testid="file-holder">
              {urlOf(h.peerId)}:{' '}
              {h.error
                ? `did not answer (${h.error})`
                : h.present === h.total
                  ? 'has all of it'
                  : `has ${h.present} of ${h.total} parts`}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
