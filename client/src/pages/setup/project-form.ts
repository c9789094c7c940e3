/** Pure helpers of the project forms (setup/project.tsx, setup/index.tsx): drafts ⇄ request bodies. */
import { ApiError, type Payee, type ProjectDetails, type Rounding, type UpdateProjectBody } from '@kaipan/shared';

/** Time zones offered first; any IANA zone may be typed (the server checks it). */
export const COMMON_TIME_ZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Macau',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Kuala_Lumpur',
  'UTC',
] as const;

export interface ProjectDraft {
  name: string;
  nameEn: string;
  city: string;
  address: string;
  timezone: string;
  rounding: Rounding;
  payeeName: string;
  payeeCreditCode: string;
  payeeBank: string;
  payeeAccount: string;
}

export function draftOf(p: ProjectDetails): ProjectDraft {
  return {
    name: p.name,
    nameEn: p.nameEn,
    city: p.city,
    address: p.address,
    timezone: p.timezone,
    rounding: p.rounding,
    payeeName: p.payee?.name ?? '',
    payeeCreditCode: p.payee?.creditCode ?? '',
    payeeBank: p.payee?.bank ?? '',
    payeeAccount: p.payee?.account ?? '',
  };
}

/** The payee of a draft: null when all four are empty; otherwise all four (the server checks each). */
export function payeeOfDraft(d: ProjectDraft): Payee | null {
  const fields = [d.payeeName, d.payeeCreditCode, d.payeeBank, d.payeeAccount].map((v) => v.trim());
  if (fields.every((v) => v === '')) return null;
  const [name, creditCode, bank, account] = fields as [string, string, string, string];
  return { name, creditCode: creditCode.toUpperCase(), bank, account };
}

/** Only what changed against the saved project (an empty object: nothing to send). */
export function changesOf(saved: ProjectDetails, d: ProjectDraft): UpdateProjectBody {
  const body: Record<string, unknown> = {};
  const base = draftOf(saved);
  for (const key of ['name', 'nameEn', 'city', 'address', 'timezone'] as const) {
    if (d[key].trim() !== base[key]) body[key] = d[key].trim();
  }
  if (d.rounding.unit !== base.rounding.unit || d.rounding.mode !== base.rounding.mode) body.rounding = d.rounding;
  const payee = payeeOfDraft(d);
  if (JSON.stringify(payee) !== JSON.stringify(saved.payee)) body.payee = payee;
  return body as UpdateProjectBody;
}

/** The fields a VALIDATION_FAILED answer names (`details: [{path}]`, e.g. "timezone", "payee.creditCode"). */
export function invalidPaths(err: unknown): string[] {
  if (!(err instanceof ApiError) || err.code !== 'VALIDATION_FAILED' || !Array.isArray(err.details)) return [];
  const paths = err.details
    .map((d: unknown) => (d && typeof d === 'object' && 'path' in d ? String((d as { path: unknown }).path) : ''))
    .filter((p) => p !== '');
  return [...new Set(paths)];
}
