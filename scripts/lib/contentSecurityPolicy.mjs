// The app's Content-Security-Policy, in one place: the build writes it into
// index.html as a <meta http-equiv> (so it holds on any static host, and when
// the service worker serves the page offline), and the servers in this repo
// send it as a header too, with what only a header can say (frame-ancestors).
//
// Why each source is allowed:
// - script-src: the app's own bundles, plus the first-paint script in
//   index.html by its hash. No 'unsafe-inline', no 'unsafe-eval': a note or a
//   file that slips a script past the sanitiser still does not run.
// - connect-src *: peers are CouchDB servers at addresses the person adds.
// - img-src * data: blob:: file previews and thumbnails are blob: URLs of
//   verified content, and a note may show a picture from the web (an <img>
//   runs no script).
// - media-src / frame-src blob:: audio, video and PDF previews of files.
// - object-src 'none', base-uri 'none': no plugins, no <base> that would
//   point the app's relative URLs elsewhere.
import { createHash } from 'node:crypto';

/** @param {string[]} scriptHashes 'sha256-…' sources of the inline scripts the page needs */
export function appPolicy(scriptHashes) {
  return [
    "default-src 'self'",
    `script-src 'self' ${scriptHashes.map((h) => `'${h}'`).join(' ')}`.trim(),
    "style-src 'self'",
    'img-src * data: blob:',
    "media-src 'self' blob:",
    "frame-src 'self' blob:",
    "worker-src 'self'",
    'connect-src *',
    "font-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

/** The page's policy as a header adds: no site may frame the app (clickjacking its buttons). */
export function headerPolicy(metaPolicy) {
  return `${metaPolicy}; frame-ancestors 'none'`;
}

const INLINE_SCRIPT = /<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi;

/** The 'sha256-…' source of every inline script in `html`, as CSP hashes them (the exact text between the tags). */
export function inlineScriptHashes(html) {
  return [...html.matchAll(INLINE_SCRIPT)]
    .map((m) => m[1] ?? '')
    .filter((body) => body.trim() !== '')
    .map((body) => `sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}`);
}

const META = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*\/?>/i;

/** Puts the policy into a built index.html, right after <meta charset>, before anything it governs. */
export function withPolicyMeta(html) {
  const policy = appPolicy(inlineScriptHashes(html));
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
  return html.replace(/(<meta charset="[^"]*"\s*\/?>)/i, `$1\n    ${meta}`);
}

/** The policy a page's <meta> carries, or undefined. */
export function policyOf(html) {
  return META.exec(html)?.[1];
}
