import { expect, type Locator, type Page } from '@playwright/test';

/** The Peers page. */
export class PeersPage {
  readonly problem: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.problem = page.getByTestId('add-peer-problem');
    this.rows = page.getByTestId('peer-row');
  }

  async goto(): Promise<void> {
    await this.page.goto('/#/peers');
    await expect(this.page.getByRole('heading', { name: 'Peers' })).toBeVisible();
  }

  /** Fills the add form and submits it; does not wait for the outcome. */
  async submit(url: string, credentials?: { username: string; password: string }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Add a peer' });
    await form.getByLabel('Database URL').fill(url);
    await form.getByLabel('User name').fill(credentials?.username ?? '');
    await form.getByLabel('Password').fill(credentials?.password ?? '');
    await form.getByRole('button', { name: 'Add peer' }).click();
  }

  /** Adds a peer and waits until it is up to date. */
  async add(url: string, credentials?: { username: string; password: string }): Promise<void> {
    await this.submit(url, credentials);
    await expect(this.page.getByRole('status').filter({ hasText: 'Syncing starts now' })).toBeVisible();
    await expect(this.state(url)).toHaveText('Up to date');
  }

  row(url: string): Locator {
    return this.page.getByRole('listitem', { name: url });
  }

  state(url: string): Locator {
    return this.row(url).getByTestId('peer-state');
  }

  /** Waits for the add form's one problem notice, and checks its title (and help, if given). */
  async expectProblem(title: string, help?: string): Promise<void> {
    await expect(this.problem.getByRole('strong')).toHaveText(title);
    await expect(this.page.getByRole('alert')).toHaveCount(1);
    if (help !== undefined) await expect(this.problem).toContainText(help);
  }

  /** The list is empty on screen and nothing is saved on this device. */
  async expectNoPeers(): Promise<void> {
    await expect(this.rows).toHaveCount(0);
    await expect(this.page.getByText('No peers yet: everything stays on this device')).toBeVisible();
    expect(await this.storedPeerUrls()).toEqual([]);
  }

  /**
   * The peer URLs saved on this device, read straight from IndexedDB (the
   * replicated `peer:<url>` documents in PouchDB's idb store "_pouch_p2pcloud"),
   * so a peer saved but not shown counts.
   */
  storedPeerUrls(): Promise<string[]> {
    return this.page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('_pouch_p2pcloud');
          open.onupgradeneeded = () => {
            // Never create it here: that would hide it from the app's own upgrade.
            open.transaction?.abort();
            reject(new Error('the app has no local database "_pouch_p2pcloud"'));
          };
          open.onerror = () => reject(open.error ?? new Error('opening the local database failed'));
          open.onsuccess = () => {
            const db = open.result;
            const all = db.transaction('document-store').objectStore('document-store').getAll();
            all.onsuccess = () => {
              db.close();
              const rows = all.result as Array<{ id: string; deletedOrLocal: string }>;
              resolve(rows.filter((r) => r.id.startsWith('peer:') && r.deletedOrLocal === '0').map((r) => r.id.slice(5)));
            };
            all.onerror = () => {
              db.close();
              reject(all.error ?? new Error('reading the local database failed'));
            };
          };
        }),
    );
  }
}
