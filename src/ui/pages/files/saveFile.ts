/** Keeps an object URL alive long enough for the browser to fetch it, then frees the memory. */
const revokeLater = (url: string) => setTimeout(() => URL.revokeObjectURL(url), 60_000);

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
  revokeLater(url);
}
