// What counts as a fault of the app in an end-to-end test: an uncaught error,
// a promise rejection the app caught but nobody handled, or anything the
// Content-Security-Policy blocked (the browser's own console report catches a
// violation that happens before the app's code has loaded).
import type { BrowserContext, Page } from '@playwright/test';
import { FAULT_MARKERS } from '../../src/app/pageFaults';

const isFault = (text: string) =>
  text.includes(FAULT_MARKERS.rejection) || text.includes(FAULT_MARKERS.csp) || text.includes('Content Security Policy');

/** Adds every fault of `page` to `errors`, prefixed with the device's name when given. */
export function watchPage(page: Page, errors: string[], name?: string): void {
  const tag = name ? `${name}: ` : '';
  page.on('pageerror', (err) => errors.push(`${tag}${err.message}`));
  page.on('console', (message) => {
    if (isFault(message.text())) errors.push(`${tag}${message.text()}`);
  });
}

/** {@link watchPage} for every page of a context, those opened later (tabs, pop-ups) included. */
export function watchContext(context: BrowserContext, errors: string[], name?: string): void {
  context.pages().forEach((page) => watchPage(page, errors, name));
  context.on('page', (page) => watchPage(page, errors, name));
}

/**
 * Takes out of `errors` the reports of inline script the policy blocked, and
 * returns how many there were. For tests that put hostile markup in front of
 * the app on purpose: Chromium reports a blocked inline handler even while the
 * sanitiser is only parsing the markup it then removes. Anything else stays.
 */
export function takeBlockedInlineScript(errors: string[]): number {
  const blocked = (line: string) =>
    /Executing inline (script|event handler) violates the following Content Security Policy/.test(line) ||
    /Content-Security-Policy blocked: script-src-(elem|attr) refused inline code/.test(line);
  const kept = errors.filter((line) => !blocked(line));
  const taken = errors.length - kept.length;
  errors.splice(0, errors.length, ...kept);
  return taken;
}
