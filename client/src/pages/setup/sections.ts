/**
 * The sections of a project's setup area (/setup/:projectId/<path>), in menu order. A new section is
 * ONE line here: its path, its menu label (a key of client/src/i18n/setup.ts or the section's own
 * dictionary) and its page, loaded when first opened. Sections not built yet are simply not listed.
 */
import { lazy, type Component } from 'solid-js';
import type { MessageKey } from '../../lib/i18n';
import type { SetupSectionProps } from './section-props';

export type { SetupSectionProps } from './section-props';

export interface SetupSection {
  /** The last segment of the address: /setup/:projectId/<path>. */
  path: string;
  label: MessageKey;
  page: Component<SetupSectionProps>;
}

export const SETUP_SECTIONS: readonly SetupSection[] = [
  { path: 'project', label: 'setup.section.project', page: lazy(() => import('./project')) },
  { path: 'buildings', label: 'setup.section.buildings', page: lazy(() => import('./buildings')) },
  { path: 'units', label: 'setup.section.units', page: lazy(() => import('./units')) },
  { path: 'layouts', label: 'setup.section.layouts', page: lazy(() => import('./layouts')) },
  { path: 'prices', label: 'setup.section.prices', page: lazy(() => import('./price-formula')) },
  { path: 'permits', label: 'setup.section.permits', page: lazy(() => import('./permits')) },
  { path: 'members', label: 'setup.section.members', page: lazy(() => import('./members')) },
  { path: 'devices', label: 'setup.section.devices', page: lazy(() => import('./devices')) },
  { path: 'settings', label: 'setup.section.settings', page: lazy(() => import('./settings')) },
  { path: 'rehearsal', label: 'setup.section.rehearsal', page: lazy(() => import('./rehearsals')) },
];

/** The section a path names, or the first one (the project itself) for an unknown or missing path. */
export function sectionOf(path: string | undefined): SetupSection {
  return SETUP_SECTIONS.find((s) => s.path === path) ?? (SETUP_SECTIONS[0] as SetupSection);
}
