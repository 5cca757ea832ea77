import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { NotesPage } from './NotesPage';
import { PeersPage } from './PeersPage';
import { watchContext } from '../pageFaults';

/** One device of the mesh: its own browser context (own IndexedDB), named in Settings. */
export class Device {
  readonly notes: NotesPage;
  readonly peers: PeersPage;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    this.notes = new NotesPage(page);
    this.peers = new PeersPage(page);
  }

  static async open(browser: Browser, baseURL: string, name: string, errors: string[]): Promise<Device> {
    const context = await browser.newContext({ baseURL });
    watchContext(context, errors, name);
    const page = await context.newPage();
    const device = new Device(context, page);
    await page.goto('/#/settings');
    await page.getByRole('textbox', { name: 'Device name' }).fill(name);
    return device;
  }

  async go(page: 'Notes' | 'Files' | 'Conflicts' | 'Peers' | 'Settings'): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name: page, exact: true }).click();
  }

  async addPeer(url: string, credentials: { username: string; password: string }): Promise<void> {
    await this.go('Peers');
    await this.peers.add(url, credentials);
  }

  /** Waits until every peer of this device is up to date. */
  async synced(): Promise<void> {
    await expect(this.page.getByTestId('sync-indicator')).toHaveText('All peers up to date');
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
