/**
 * People and roles in a project: memberships (a user's role in one project) and teams with a lead.
 * The routes are shared/src/api/members.ts; who may do what with a role: permissions.ts.
 */
import { z } from 'zod';
import { idSchema } from './schemas.js';
import { projectRoleSchema, roleSchema } from './protocol.js';
import { lineText } from './text.js';

export const memberRefSchema = z.strictObject({ projectId: idSchema, userId: idSchema });
export const teamRefSchema = z.strictObject({ projectId: idSchema, teamId: idSchema });

/**
 * PUT /api/projects/:projectId/members/:userId: the user's role in the project (a member from now
 * on) and, optionally, their team (`null`: none; absent: unchanged). `ADMIN` is refused with
 * ROLE_NOT_ASSIGNABLE — the administrator is an account setting (users.admin), not a project role.
 */
export const setMemberBodySchema = z.strictObject({
  role: roleSchema,
  teamId: idSchema.nullable().optional(),
});
export type SetMemberBody = z.infer<typeof setMemberBodySchema>;

/** POST /api/projects/:projectId/members: add an existing account by username. */
export const addMemberBodySchema = z.strictObject({
  username: lineText(64),
  role: roleSchema,
  teamId: idSchema.nullable().optional(),
});
export type AddMemberBody = z.infer<typeof addMemberBodySchema>;

/** A member of the project as the members screen shows them. */
export const memberInfoSchema = z.object({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: projectRoleSchema,
  teamId: z.string().nullable(),
  /** The account may sign in (deactivated accounts keep their seat, shown greyed). */
  active: z.boolean(),
});
export type MemberInfo = z.infer<typeof memberInfoSchema>;

/** A sales team of the project. */
export const teamInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The lead, a member of the project (null: none). */
  leadId: z.string().nullable(),
  memberCount: z.number().int(),
});
export type TeamInfo = z.infer<typeof teamInfoSchema>;

/** GET /api/projects/:projectId/members: members (by role, then username) and teams. */
export const membersOverviewSchema = z.object({
  members: z.array(memberInfoSchema),
  teams: z.array(teamInfoSchema),
});
export type MembersOverview = z.infer<typeof membersOverviewSchema>;

export const teamBodySchema = z.strictObject({
  name: lineText(40),
  leadId: idSchema.nullable().optional(),
});
export type TeamBody = z.infer<typeof teamBodySchema>;

export const updateTeamBodySchema = z.strictObject({
  name: lineText(40).optional(),
  leadId: idSchema.nullable().optional(),
});
export type UpdateTeamBody = z.infer<typeof updateTeamBodySchema>;
