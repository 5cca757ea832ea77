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

  /**
   * Shares files (and text) to the app the way the operating system does for
   * an installed app's share_target: a multipart POST navigation to the
   * share-target URL, which the service worker answers. Desktop Chromium has
   * no share sheet, so a form in the page sends the same request. Resolves
   * once the app has loaded where the worker sent it.
   */
  async shareToApp(share: { files?: PickedFile[]; title?: string; text?: string; url?: string }): Promise<void> {
    await this.page.evaluate((fields) => {
      const form = document.createElement('form');
      form.id = 'os-share';
      form.method = 'post';
      form.enctype = 'multipart/form-data';
      form.action = new URL('share-target', document.baseURI).href;
      form.hidden = true;
      const files = document.createElement('input');
      files.type = 'file';
      files.name = 'files';
      files.multiple = true;
      form.append(files);
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement('input');
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
    }, { title: share.title ?? '', text: share.text ?? '', url: share.url ?? '' });
    if (share.files?.length) await this.page.locator('#os-share input[type=file]').setInputFiles(share.files);
    const loaded = this.page.waitForEvent('load');
    await this.page.evaluate(() => (document.getElementById('os-share') as HTMLFormElement).submit());
    await loaded;
  }

  /** The state line of a file being taken in from a share ("Added (…)", "Not added", …). */
  sharedFileState(name: string): Locator {
    return this.page.getByTestId('shared-file').filter({ has: this.page.getByText(name, { exact: true }) }).getByTestId('shared-file-state');
  }

  /** Renames a file through its Rename button and waits until the list shows the new name. */
  async rename(name: string, newName: string): Promise<void> {
    await this.row(name).getByRole('button', { name: 'Rename' }).click();
    await this.page.getByRole('textbox', { name: `New name for ${name}` }).fill(newName);
    await this.row(name).getByRole('button', { name: 'Save' }).click();
    await expect(this.row(newName)).toBeVisible();
  }

  /** Rows marked as having competing versions. */
  get conflictedRows(): Locator {
    return this.rows.filter({ has: this.page.getByTestId('file-conflict') });
  }

  /** Opens the panel with a file's competing versions from its row's Resolve button. */
  async openVersions(row: Locator): Promise<Locator> {
    await row.getByRole('button', { name: 'Resolve…' }).click();
    const panel = row.getByTestId('file-conflict-panel');
    await expect(panel).toBeVisible();
    return panel;
  }

  /** One competing version in an open panel, by the device that wrote it. */
  versionFrom(panel: Locator, device: string): Locator {
    return panel.getByTestId('file-version').filter({ hasText: `Changed on ${device},` });
  }

  async remove(name: string): Promise<void> {
    await this.row(name).getByRole('button', { name: 'Delete', exact: true }).click();
    await this.row(name).getByRole('button', { name: 'Delete everywhere' }).click();
  }
}
