import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, type Locator, type Page } from '@playwright/test';

/** A file to put in the picker, built in Node. */
export interface PickedFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** The Files page, driven the way a person would. */
export class FilesPage {
  readonly picker: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.picker = page.getByLabel('Choose files');
    this.rows = page.getByTestId('file-row');
  }

  /** Opens Files from the navigation (no reload, so syncing carries on). */
  async open(): Promise<void> {
    await this.page.getByRole('navigation').getByRole('link', { name: 'Files', exact: true }).click();
    await expect(this.page.getByRole('heading', { name: 'Files' })).toBeVisible();
  }

  /** Adds files through the picker and waits until each is saved on this device. */
  async add(...files: PickedFile[]): Promise<void> {
    await this.picker.setInputFiles(files);
    for (const file of files) {
      await expect(this.page.getByRole('listitem', { name: file.name }).getByTestId('upload-state')).toHaveText(/^Added/, {
        timeout: 30_000,
      });
    }
  }

  row(name: string): Locator {
    return this.rows.filter({ has: this.page.getByTestId('file-name').getByText(name, { exact: true }) });
  }

  status(name: string): Locator {
    return this.row(name).getByTestId('file-status');
  }

  /** Downloads the file through its Download button and returns the SHA-256 of what was saved. */
  async downloadSha256(name: string): Promise<{ sha256: string; suggested: string }> {
    const download = this.page.waitForEvent('download');
    await this.row(name).getByRole('button', { name: 'Download' }).click();
    const saved = await download;
    const content = await readFile(await saved.path());
    // Seen as a plain Uint8Array: this project's DOM and Node typings disagree about Buffer.
    const bytes = new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), suggested: saved.suggestedFilename() };
  }

  async remove(name: string): Promise<void> {
    await this.row(name).getByRole('button', { name: 'Delete', exact: true }).click();
    await this.row(name).getByRole('button', { name: 'Delete everywhere' }).click();
  }
}
