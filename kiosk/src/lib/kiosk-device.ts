/**
 * A kiosk device once its key is checked: the key, the API bound to it and its project. Loaded by
 * app.tsx (WithDevice) and handed to the kiosk and calling-screen pages; its own module so the pages
 * do not import the app that routes to them (no import cycle).
 */
import type { ProjectSummary } from '@kaipan/shared';
import type { KioskApi } from './api';

export interface KioskDevice {
  deviceKey: string;
  api: KioskApi;
  /** The device's one project. */
  project: ProjectSummary;
}
