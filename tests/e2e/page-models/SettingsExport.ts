import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** Settings → Export and import, driven the way a person would. */
export class SettingsExport {
  readonly section: Locator;
  readonly importCounts: Locator;

  constructor(readonly page: Page) {
    this.section = page.getByRole('region', { name: 'Export and import' });
    this.importCounts = page.getByTestId('import-counts');
  }

  async open(): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name: 'Settings', exact: true }).click();
    await expect(this.section).toBeVisible();
  }

  /** Exports everything and returns the browser's download of the zip. */
  async exportAll(): Promise<Download> {
    const download = this.page.waitForEvent('download', { timeout: 120_000 });
    await this.section.getByRole('button', { name: 'Export everything' }).click();
    const saved = await download;
    await expect(this.page.getByTestId('export-result')).toContainText('Exported');
    return saved;
  }

  /** Imports files through the picker and waits for the summary. */
  async importFiles(paths: string[]): Promise<void> {
    await this.section.getByLabel('Import a zip or Markdown files').setInputFiles(paths);
    await expect(this.page.getByTestId('import-result')).toBeVisible({ timeout: 120_000 });
  }
}
