/**
 * A readable default name for this device, such as "Chromium on Linux", from
 * the user-agent string. The user can change it in Settings.
 */
export function defaultDeviceName(userAgent: string): string {
  const browser =
    /Edg\//.test(userAgent) ? 'Edge'
    : /Firefox\//.test(userAgent) ? 'Firefox'
    : /Chromium\//.test(userAgent) || /HeadlessChrome/.test(userAgent) ? 'Chromium'
    : /Chrome\//.test(userAgent) ? 'Chrome'
    : /Safari\//.test(userAgent) ? 'Safari'
    : /Node\.js|node/i.test(userAgent) ? 'Node.js'
    : 'Browser';
  const os =
    /Android/.test(userAgent) ? 'Android'
    : /iPhone|iPad|iPod/.test(userAgent) ? 'iOS'
    : /Windows/.test(userAgent) ? 'Windows'
    : /Mac OS X|Macintosh/.test(userAgent) ? 'macOS'
    : /CrOS/.test(userAgent) ? 'ChromeOS'
    : /Linux/.test(userAgent) ? 'Linux'
    : 'an unknown system';
  return `${browser} on ${os}`;
}
