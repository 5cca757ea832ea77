// The app's Content-Security-Policy, in one place: the build writes it into
// index.html as a <meta http-equiv> (so it holds on any static host, and when
// the service worker serves the page offline), and the servers in this repo
// send it as a header too, with what only a header can say (frame-ancestors).
//
// Why each source is allowed:
// - script-src 'self' only: the app's bundles and public/first-paint.js. No
//   inline script at all (the build refuses one), no 'unsafe-eval': a note or
//   a file that slips a script past the sanitiser still does not run. With no
//   hash in it the policy is the same for every build, so a CouchDB server
//   can send it for the app's attachments ([csp] attachments_header_value).
// - style-src 'self': the stylesheet only (a note's style attributes are
//   dropped), so nothing a peer sends can lay a screen over the app.
// - connect-src *: peers are CouchDB servers at addresses the person adds.
// - img-src * data: blob:: file previews and thumbnails are blob: URLs of
//   verified content, and a note may show a picture from the web (an <img>
//   runs no script).
// - media-src / frame-src blob:: audio, video and PDF previews of files.
// - object-src 'none', base-uri 'none': no plugins, no <base> that would
//   point the app's relative URLs elsewhere.

/** The app's policy, as the page's <meta> carries it. */
export function appPolicy() {
  return [
    "default-src 'self'",
    "script-src 'self'",
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

/** The inline scripts in `html` that have any code: the policy would block each. */
export function inlineScripts(html) {
  return [...html.matchAll(INLINE_SCRIPT)].map((m) => m[1] ?? '').filter((body) => body.trim() !== '');
}

const META = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"\s*\/?>/i;

/**
 * Puts the policy into a built index.html, right after <meta charset>, before
 * anything it governs. Throws on an inline script: move it to a file.
 */
export function withPolicyMeta(html) {
  const inline = inlineScripts(html);
  if (inline.length) throw new Error(`index.html has ${inline.length} inline script(s); the Content-Security-Policy allows none: put the code in a file under public/`);
  const policy = appPolicy();
  const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
  return html.replace(/(<meta charset="[^"]*"\s*\/?>)/i, `$1\n    ${meta}`);
}

/** The policy a page's <meta> carries, or undefined. */
export function policyOf(html) {
  return META.exec(html)?.[1];
}
