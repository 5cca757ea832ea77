/**
 * Keeps an object URL alive long enough for the browser to save what it
 * points at, then frees it: a minute, plus a second per 5 MB (revoking it
 * while a 1 GiB export was still being written cancelled the download).
 */
const revokeLater = (url: string, size: number) => setTimeout(() => URL.revokeObjectURL(url), 60_000 + size / 5_000);

/**
 * Hands a file's content to the browser's download, under its name.
 * @remarks Retyped as `application/octet-stream`: the `download` attribute
 * already keeps the browser from rendering it, and a type no browser renders
 * keeps it so should that attribute ever be ignored (a peer's file may be an
 * HTML page whose script would run as the app).
 */
export function saveFile(content: Blob, name: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  link.click();
  revokeLater(url, content.size);
}
