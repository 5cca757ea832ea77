import { mergeText, mergeTitles } from './merge';
import type { NoteDraft } from './note';

/** A version as the merge sees it. */
export interface MergeInput {
  title: string;
  body: string;
  updatedBy: string;
  updatedAt: string;
}

/**
 * The merge the app proposes for two or more competing versions: a line-based
 * three-way merge against their common ancestor when it is stored here,
 * otherwise the texts side by side with conflict markers.
 * @remarks The versions are put in a canonical order first, so every device
 * proposes the same text for the same conflict.
 */
export function proposeMerge(base: NoteDraft | undefined, versions: readonly MergeInput[]): NoteDraft {
  const sorted = [...versions].sort((a, b) =>
    a.body !== b.body ? (a.body < b.body ? -1 : 1) : a.updatedBy < b.updatedBy ? -1 : a.updatedBy > b.updatedBy ? 1 : 0,
  );
  const [first, ...rest] = sorted;
  if (!first) return base ?? { title: '', body: '' };
  let result: NoteDraft = { title: first.title, body: first.body };
  let label = first.updatedBy;
  for (const next of rest) {
    const merged = mergeText(base?.body, { text: result.body, label }, { text: next.body, label: next.updatedBy });
    result = { title: mergeTitles(base?.title, result.title, next.title), body: merged.text };
    label = `${label} + ${next.updatedBy}`;
  }
  return result;
}
