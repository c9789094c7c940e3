/**
 * Project setup contracts (docs/setup.md): creating and editing a project, its payee company 收款单位
 * printed on receipts and the 认购书, and its presale permits 预售许可证. Schemas shared by the route
 * table and the setup screens.
 */
import { z } from 'zod';
import { isValidCreditCode } from './credit-code.js';
import { roundingSchema } from './pricing.js';
import { projectSummarySchema } from './protocol.js';
import { idSchema } from './schemas.js';

/** An IANA time zone the runtime knows (Asia/Shanghai, Asia/Hong_Kong, UTC …); offsets like +08:00 are not zones. */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isIanaTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai');

/** A project code: letters, digits and dashes (generated from the date when not given). */
export const projectCodeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,23}$/, '2–24 letters, digits or dashes');

/** The payee company 收款单位: all four facts together (null clears it). */
export const payeeSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  /** 统一社会信用代码: 18 characters with a valid check character (upper case). */
  creditCode: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .refine(isValidCreditCode, 'not a valid unified social credit code (18 characters, check character)'),
  bank: z.string().trim().min(1).max(100),
  /** Bank account number: digits, spaces allowed for grouping. */
  account: z
    .string()
    .trim()
    .regex(/^[0-9][0-9 ]{5,39}$/, '6–40 digits'),
});
export type Payee = z.infer<typeof payeeSchema>;

const projectFields = {
  name: z.string().trim().min(1).max(60),
  nameEn: z.string().trim().max(80),
  city: z.string().trim().max(40),
  address: z.string().trim().max(200),
  timezone: timeZoneSchema,
  /** The price rounding 精度 (= the pricing policy's rounding). */
  rounding: roundingSchema,
  payee: payeeSchema.nullable(),
};

/** `POST /api/projects`: only the name is required. */
export const createProjectBodySchema = z.strictObject({
  ...projectFields,
  code: projectCodeSchema.optional(),
  nameEn: projectFields.nameEn.default(''),
  city: projectFields.city.default(''),
  address: projectFields.address.default(''),
  timezone: timeZoneSchema.default('Asia/Shanghai'),
  rounding: roundingSchema.optional(),
  payee: payeeSchema.nullable().optional(),
});
export type CreateProjectBody = z.input<typeof createProjectBodySchema>;

/** `PATCH /api/projects/:projectId`: any of the facts (the code stays). */
export const updateProjectBodySchema = z
  .strictObject(projectFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'at least one field');
export type UpdateProjectBody = z.input<typeof updateProjectBodySchema>;

/** `GET /api/projects?includeArchived=true`: archived projects are listed only when asked. */
export const projectListQuerySchema = z.strictObject({
  includeArchived: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

/** A project with everything setup shows: the summary plus address, rounding, payee, archive time. */
export const projectDetailsSchema = projectSummarySchema.extend({
  address: z.string(),
  rounding: roundingSchema,
  payee: payeeSchema.nullable(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
});
export type ProjectDetails = z.infer<typeof projectDetailsSchema>;

/** A calendar date, YYYY-MM-DD. */
const dateSchema = z.iso.date();

/** A presale permit 预售许可证: number, issuing date, the buildings and/or single units it covers. */
export const permitBodySchema = z
  .strictObject({
    number: z.string().trim().min(1).max(80),
    issuedOn: dateSchema,
    buildingIds: z.array(idSchema).max(200).default([]),
    unitIds: z.array(idSchema).max(5000).default([]),
  })
  .refine((p) => p.buildingIds.length + p.unitIds.length > 0, {
    message: 'a permit covers at least one building or unit',
    path: ['buildingIds'],
  });
export type PermitBody = z.input<typeof permitBodySchema>;

export const permitInfoSchema = z.object({
  id: z.string(),
  number: z.string(),
  issuedOn: z.string(),
  buildingIds: z.array(z.string()),
  unitIds: z.array(z.string()),
  /** Units of the project the permit covers (its buildings' and its single units). */
  unitCount: z.number().int(),
  createdAt: z.string(),
});
export type PermitInfo = z.infer<typeof permitInfoSchema>;

export const permitRefSchema = z.strictObject({ permitId: idSchema });

/** `details` of UNIT_NOT_PERMITTED: the units no permit covers (codes, at most 50 listed). */
export const unitNotPermittedDetailsSchema = z.object({
  unitCodes: z.array(z.string()),
  count: z.number().int(),
});
