// A page whose code cannot be fetched (the app was updated on the server
// since the tab opened, or the device went offline before the service worker
// stored it) says so and offers a reload, while the rest of the app goes on.
import { test, expect } from './fixtures';

// Served by the network, not the service worker's cache: the test decides what fails.
test.use({ serviceWorkers: 'block' });

test('a page that cannot be loaded says so, the app goes on, and a reload opens it', async ({ page }) => {
  await page.route(/\/assets\/PeersPage-[^/]*\.js$/, (route) => route.abort());
  await page.goto('/#/notes');
  await page.getByRole('navigation').getByRole('link', { name: 'Peers', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('This page could not be loaded');
  await expect(page.getByRole('alert')).toContainText('Your notes and files are not affected');

  // The rest of the app still works.
  await page.getByRole('navigation').getByRole('link', { name: 'Notes', exact: true }).click();
  await page.getByRole('button', { name: 'New note' }).click();
  await expect(page.getByRole('textbox', { name: 'Title' })).toBeVisible();

  // Once the file can be fetched again, Reload opens the page.
  await page.unroute(/\/assets\/PeersPage-[^/]*\.js$/);
  await page.getByRole('navigation').getByRole('link', { name: 'Peers', exact: true }).click();
  await page.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { name: 'Peers', level: 1 })).toBeVisible();
});
