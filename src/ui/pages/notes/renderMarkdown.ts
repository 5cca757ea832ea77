// Markdown rendering (marked + DOMPurify), in a module of its own so that it
// loads when a note is first shown, not with the app's first paint.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

// Links in notes open outside the app and cannot reach back into it.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

/**
 * Markdown as inert HTML.
 * @remarks Notes arrive from peers nobody vetted, so the rendered HTML goes
 * through DOMPurify: no script, no event handlers, no javascript: URLs.
 */
export function renderMarkdown(source: string): string {
  const html = marked.parse(source, { async: false, gfm: true, breaks: true });
  return DOMPurify.sanitize(html, { USE_PROFILES: { html: true }, FORBID_TAGS: ['style', 'form', 'input'] });
}
