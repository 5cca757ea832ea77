import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { policyOf, withPolicyMeta } from './scripts/lib/contentSecurityPolicy.mjs';

/**
 * Ships the app's Content-Security-Policy inside the built index.html
 * (scripts/lib/contentSecurityPolicy.mjs says what it allows and why), with
 * the hash of the first-paint script as it was finally written. Build only:
 * the dev server injects inline scripts of its own.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'p2pcloud-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const out = withPolicyMeta(html);
        if (!policyOf(out)) throw new Error('index.html has no <meta charset> to put the Content-Security-Policy after');
        return out;
      },
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    contentSecurityPolicy(),
    VitePWA({
      // The app shows its own "update available" prompt (src/pwa/registerSW.ts)
      // and never reloads on its own: a reload under someone's typing loses words.
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/apple-touch-icon.png', 'favicon.svg'],
      manifest: {
        name: 'p2pcloud: your personal mesh cloud',
        short_name: 'p2pcloud',
        description: 'Notes that live on your devices and sync with every node of your own mesh, offline first.',
        // A file, not the folder: CouchDB answers a design document's "folder"
        // with the document itself, not with index.html.
        start_url: './index.html',
        scope: './',
        display: 'standalone',
        background_color: '#f7faf9',
        theme_color: '#0f766e',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // "Share to p2pcloud" from other apps, once installed. The service
        // worker answers this POST (public/share-target-sw.js): it stages what
        // was shared and opens Files, which adds it (src/pwa/shareTarget.ts).
        share_target: {
          action: './share-target',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: {
            title: 'title',
            text: 'text',
            url: 'url',
            files: [{ name: 'files', accept: ['*/*'] }],
          },
        },
      },
      workbox: {
        // The service worker caches the app shell only; data lives in PouchDB.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        // The embedded peer's offer is live information, never cached.
        navigateFallbackDenylist: [/\/local-peer\.json$/],
        cleanupOutdatedCaches: true,
        // Loaded before Workbox sets up its routes, so its fetch listener runs
        // first; it only answers POSTs to the share target, which no Workbox
        // route (GET only) would take.
        importScripts: ['share-target-sw.js'],
      },
    }),
  ],
  // Relative URLs throughout: the same build runs at the root of a host and
  // from a CouchDB design document (/p2pcloud-app/_design/p2pcloud/index.html).
  base: './',
  build: { target: 'es2022', sourcemap: true },
});
