/** The payee company 收款单位 as the projects table stores it (four nullable columns) — all or nothing. */
import type { Payee } from '@kaipan/shared';

export interface PayeeColumns {
  payeeName: string | null;
  payeeCreditCode: string | null;
  payeeBank: string | null;
  payeeAccount: string | null;
}

/** The payee, or null unless all four facts are stored. */
export function payeeOf(row: PayeeColumns): Payee | null {
  if (!row.payeeName || !row.payeeCreditCode || !row.payeeBank || !row.payeeAccount) return null;
  return { name: row.payeeName, creditCode: row.payeeCreditCode, bank: row.payeeBank, account: row.payeeAccount };
}

/** The columns that store a payee (all null to clear it). */
export function payeeColumns(payee: Payee | null): PayeeColumns {
  return {
    payeeName: payee?.name ?? null,
    payeeCreditCode: payee?.creditCode ?? null,
    payeeBank: payee?.bank ?? null,
    payeeAccount: payee?.account ?? null,
  };
}

/** Select these with Prisma to call `payeeOf`. */
export const PAYEE_SELECT = { payeeName: true, payeeCreditCode: true, payeeBank: true, payeeAccount: true } as const;
