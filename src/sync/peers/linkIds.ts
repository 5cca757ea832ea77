/** Prefix of the `_replicator` documents p2pcloud writes, to list and remove only its own. */
export const LINK_PREFIX = 'p2pcloud-link:';

/** The `_replicator` document id of a link from one database URL to another (so linking again replaces it). */
export function linkId(source: string, target: string): string {
  return `${LINK_PREFIX}${source}->${target}`;
}
