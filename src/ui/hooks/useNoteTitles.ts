import { useCallback, useEffect, useState } from 'react';
import { useServices } from '../../app/ServicesContext';

/**
 * Labels for the documents a page names (what a peer lacks, a document a
 * peer refuses): a note's title in quotes, or the id itself for anything
 * else. Reads only those notes, again when the set of ids changes, so a
 * page naming twenty documents on a device with 50,000 notes reads twenty.
 */
export function useNoteTitles(ids: readonly string[]): (id: string) => string {
  const { notes } = useServices();
  const [titles, setTitles] = useState<ReadonlyMap<string, string>>(new Map());
  // A stable key: the same ids in another array must not read again.
  const key = [...new Set(ids)].sort().join('\n');
  useEffect(() => {
    let isCurrent = true;
    const wanted = key ? key.split('\n') : [];
    notes.titles(wanted).then(
      (found) => {
        if (isCurrent) setTitles(found);
      },
      // A label is a nicety: on failure the ids stand for themselves.
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [notes, key]);
  return useCallback((id: string) => {
    const title = titles.get(id);
    return title === undefined ? id : `“${title}”`;
  }, [titles]);
}
