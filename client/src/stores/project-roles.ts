/**
 * What the signed-in user is in each project (GET /api/projects answers `myRole` per project): the
 * screens show buttons by the role IN THAT PROJECT — a manager of one project may be a consultant
 * of another. The server decides anyway (the permission matrix, shared/src/permissions.ts); this only
 * keeps the screens from offering what would be refused.
 */
import { createSignal, untrack } from 'solid-js';
import { SELLER_ROLES, isManagerRole, type ProjectListItem, type Role, type UserInfo } from '@kaipan/shared';
import type { RehearsalMarked } from '@kaipan/web/components/rehearsal-band';
import { api } from '../lib/api';
import { session } from './session';

/**
 * Roles per project id, and whose they are (another sign-in reads them again); with each project's
 * rehearsal mark (the header's 演练 band, shared/web/components/rehearsal-band.tsx).
 */
const [roles, setRoles] = createSignal<{
  userId: string;
  byProject: ReadonlyMap<string, Role | null>;
  marks: ReadonlyMap<string, RehearsalMarked>;
} | null>(null);
let loading: Promise<void> | null = null;

/** Remember the roles of a project list just read (the project picker reads it anyway). */
export function rememberProjectRoles(list: readonly ProjectListItem[]): void {
  const userId = session()?.user.id;
  if (!userId) return;
  // Merged into what is known (a list without the archived projects does not forget their roles).
  // Untracked: called from effects (the project picker), which must not re-run on their own write.
  const known = untrack(roles);
  const same = known?.userId === userId;
  setRoles({
    userId,
    byProject: new Map([...(same ? known.byProject : []), ...list.map((p) => [p.id, p.myRole] as const)]),
    marks: new Map([
      ...(same ? known.marks : []),
      ...list.map((p) => [p.id, { rehearsal: p.rehearsal, rehearsalOf: p.rehearsalOf }] as const),
    ]),
  });
}

/** Read the roles again (after a role change, or when another user signed in). */
export function refreshProjectRoles(): Promise<void> {
  loading ??= api
    .projects(true)
    .then(rememberProjectRoles)
    .catch(() => undefined)
    .finally(() => {
      loading = null;
    });
  return loading;
}

/**
 * The user's role in the project (reactive): ADMIN for an administrator, null when not a member,
 * undefined while not known yet (the first call reads them).
 */
export function projectRole(user: UserInfo | null | undefined, projectId: string): Role | null | undefined {
  if (!user) return null;
  if (user.admin) return 'ADMIN';
  const known = roles();
  if (!known || known.userId !== user.id) {
    void refreshProjectRoles();
    return undefined;
  }
  return known.byProject.get(projectId) ?? null;
}

/** Whether the project is a rehearsal and of what (reactive; undefined while not known: the first call reads it). */
export function rehearsalMarkOf(user: UserInfo | null | undefined, projectId: string): RehearsalMarked | undefined {
  const known = roles();
  if (!user) return undefined;
  if (!known || known.userId !== user.id) {
    void refreshProjectRoles();
    return undefined;
  }
  return known.marks.get(projectId);
}

/** Manages the project (ADMIN or its MANAGER): pause, withhold, prices, members… */
export function isManager(user: UserInfo | null | undefined, projectId: string): boolean {
  return isManagerRole(projectRole(user, projectId) ?? null);
}

/** Known NOT to manage the project (false while the roles are being read: the screen waits, the server decides). */
export function knownNotManager(user: UserInfo | null | undefined, projectId: string): boolean {
  const role = projectRole(user, projectId);
  return role !== undefined && !isManagerRole(role);
}

/** The projects of a list the user manages (their role there is MANAGER, or they are an administrator). */
export function managedProjects<P extends ProjectListItem>(list: readonly P[]): P[] {
  return list.filter((p) => isManagerRole(p.myRole));
}

/** Sells in the project (locks, confirms, customers): consultants and managers. */
export function isSeller(user: UserInfo | null | undefined, projectId: string): boolean {
  const role = projectRole(user, projectId);
  return !!role && SELLER_ROLES.includes(role);
}
