/**
 * localStorage that never throws: private mode or a full quota leaves the value unread or
 * unpersisted — the setting then holds for this page only.
 */

/** The stored string, or null when absent or storage is unavailable. */
export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Store a string (null removes it); silently kept in memory only when storage is unavailable. */
export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage unavailable: holds for this page only
  }
}
