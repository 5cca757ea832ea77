import { defineConfig } from '@playwright/test';

const isCI = !!process.env['CI'];

export default defineConfig({
  testDir: 'tests/e2e',
  // Two cores: one worker per core, each with its own browser and peers.
  workers: 2,
  fullyParallel: true,
  forbidOnly: isCI,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  projects: [
    { name: 'e2e', testIgnore: /files-large\.spec\.ts/ },
    // Asserts no long task and bounded memory during a large transfer: it
    // runs alone, after everything else, so other tests' load does not
    // stretch its tasks.
    { name: 'large-file', testMatch: /files-large\.spec\.ts/, dependencies: ['e2e'] },
  ],
  use: {
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium: Playwright's own browser download does not work here.
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
