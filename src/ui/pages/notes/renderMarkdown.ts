// Markdown rendering (marked + DOMPurify), in a module of its own so that it
// loads when a note is first shown, not with the app's first paint.
import DOMPurify from 'dompurify';
import { marked } from 'marked';

/**
 * Where a link in a note may lead: the web, mail and phone, or a place in the
 * app. Not `blob:` or `data:` (a page made of bytes a peer chose, opened as
 * this origin or as an opaque one the person cannot see), not `javascript:`,
 * and not a path of the app's own origin (a page there runs as the app).
 */
const SAFE_LINK = /^(https?:|mailto:|tel:|#)/i;

/** Links refused while sanitising, with the address they had (DOMPurify may drop it before the last hook). */
const refused = new WeakMap<Element, string>();
const isLink = (node: Element) => node.tagName === 'A' || node.tagName === 'AREA';

DOMPurify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName !== 'href' || !isLink(node) || SAFE_LINK.test(data.attrValue.trim())) return;
  refused.set(node, data.attrValue.trim());
  data.keepAttr = false;
});

// Links in notes open outside the app and cannot reach back into it; any other
// link stays as text, marked, with its address in the tooltip.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (!isLink(node)) return;
  const address = refused.get(node);
  if (address !== undefined) {
    node.setAttribute('class', 'inert-link');
    node.setAttribute('title', `Not opened: ${address.slice(0, 80)} (only web, mail and phone links open from a note)`);
  } else if (node.hasAttribute('href')) {
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
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input'],
    // The app's style policy blocks them anyway (scripts/lib/contentSecurityPolicy.mjs): a note may not restyle the app.
    FORBID_ATTR: ['style'],
  });
}
