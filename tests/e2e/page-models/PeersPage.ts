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
}
