// The one Chromium every benchmark launches: Debian's, headless, with the
// same switches as the end-to-end tests (playwright.config.ts), so that
// background work of the browser's own does not land in the figures.
export const CHROMIUM = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
