import { expect, type Locator, type Page } from '@playwright/test';

/** The Notes page, driven the way a person would. */
export class NotesPage {
  readonly search: Locator;
  readonly items: Locator;
  readonly title: Locator;
  readonly body: Locator;
  readonly preview: Locator;
  readonly saveState: Locator;
  /** "N notes" or "N of M notes" under the list. */
  readonly count: Locator;

  constructor(readonly page: Page) {
    this.search = page.getByRole('searchbox', { name: 'Search notes' });
    this.items = page.getByTestId('note-item');
    this.title = page.getByRole('textbox', { name: 'Title' });
    this.body = page.getByRole('textbox', { name: 'Body (Markdown)' });
    this.preview = page.getByTestId('note-preview');
    this.saveState = page.getByTestId('save-state');
    this.count = page.getByTestId('note-count');
  }

  /** Scrolls the list of notes to its end, as a person dragging the scroll bar down would. */
  async scrollToEnd(): Promise<void> {
    await this.page.getByRole('list', { name: 'Notes' }).evaluate((list) => {
      const scroller = list.parentElement;
      if (scroller) scroller.scrollTop = scroller.scrollHeight;
    });
  }

  async goto(): Promise<void> {
    await this.page.goto('/#/notes');
    await expect(this.page.getByRole('button', { name: 'New note' })).toBeVisible();
  }

  /** Creates a note and waits until it is saved on this device. */
  async create(title: string, body: string): Promise<void> {
    await this.page.getByRole('button', { name: 'New note' }).click();
    await expect(this.title).toHaveValue('');
    await expect(this.body).toHaveValue('');
    await this.title.fill(title);
    await this.body.fill(body);
    await expect(this.saveState).toHaveText('Saved on this device');
  }

  item(title: string): Locator {
    return this.items.filter({ hasText: title });
  }

  async open(title: string): Promise<void> {
    await this.item(title).click();
    await expect(this.title).toHaveValue(title);
  }
}
