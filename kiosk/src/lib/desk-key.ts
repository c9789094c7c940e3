/**
 * The cashier desk terminal's key (a CASHIER_DESK device, shared/src/devices.ts), set once by
 * opening `/cashier?key=<key>` (then removed from the address bar) and remembered on the terminal.
 * It grants nothing: the cashier signs in personally; sent beside their token, it names this desk
 * in the audit trail (`desk:<name>`).
 */
import { readStored, writeStored } from '@kaipan/web/storage';

const DESK_KEY_STORAGE = 'kaipan.cashier.desk';

function keyFromUrl(): string | null {
  if (typeof location === 'undefined' || !location.pathname.startsWith('/cashier')) return null;
  const url = new URL(location.href);
  const key = url.searchParams.get('key')?.trim();
  if (!key) return null;
  url.searchParams.delete('key');
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return key;
}

const fromUrl = keyFromUrl();
if (fromUrl) writeStored(DESK_KEY_STORAGE, fromUrl);

/** This terminal's desk key, or null when the desk was not set up with one. */
export function deskKey(): string | null {
  return readStored(DESK_KEY_STORAGE);
}
