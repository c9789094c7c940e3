/**
 * Payment plans 付款方案 and the payment schedule they produce for one deal. Pure: no I/O, no clock
 * (the signing instant and the project's time zone are parameters). Money is integer fen.
 * docs/pricing.md "Payment schedule 付款计划" documents the rules; the client preview, the
 * confirm on the server and the documents (认购书) all call `buildSchedule`, so they cannot disagree.
 */
import { z } from 'zod';
import { blockText } from './text.js';

export const PLAN_KINDS = ['LUMP_SUM', 'MORTGAGE', 'INSTALLMENTS'] as const;
/** 一次性 / 按揭 / 分期. Payment-method discounts name the plan kinds they apply to. */
export type PlanKind = (typeof PLAN_KINDS)[number];

/** Upper bound of any price or amount, fen (¥10 billion): far above any unit, far below 2^53. */
export const MAX_PRICE_FEN = 1_000_000_000_000;
/** Longest due offset, days after signing (10 years). */
export const MAX_DUE_DAYS = 3650;
/** Most installments one plan may have. */
export const MAX_INSTALLMENTS = 36;
/** 100 % in basis points. */
export const BP_ONE = 10_000;

const feeFen = z.number().int().min(0).max(MAX_PRICE_FEN);
const dueDays = z.number().int().min(0).max(MAX_DUE_DAYS);

/** 一次性: deposit 定金 at signing, the balance 尾款 `balanceDueDays` later. */
export const lumpSumPlanSchema = z.strictObject({
  kind: z.literal('LUMP_SUM'),
  /** Subscription deposit 定金, fen; paid at signing and counted toward the price. */
  depositFen: feeFen,
  /** Days after the signing date the balance is due (0 = same day). */
  balanceDueDays: dueDays,
});

/**
 * 按揭: the down payment 首付 is `downPaymentBp` of the final price and INCLUDES the deposit; the
 * rest is the mortgage loan 按揭贷款.
 */
export const mortgagePlanSchema = z.strictObject({
  kind: z.literal('MORTGAGE'),
  depositFen: feeFen,
  /** Down-payment share of the final price, basis points (3000 = 30 %); deposit included. */
  downPaymentBp: z
    .number()
    .int()
    .min(1)
    .max(BP_ONE - 1),
  /** Days after the signing date the down payment (net of the deposit) is due. */
  downPaymentDueDays: dueDays,
  /** Free text printed with the loan line, e.g. the partner bank. */
  loanNote: blockText(200, 1).optional(),
});

export const installmentSchema = z.strictObject({
  /** Share of the final price, basis points. */
  bp: z.number().int().min(1).max(BP_ONE),
  /** Days after the signing date this installment is due. */
  dueDays: dueDays,
});

/**
 * 分期: installments are shares of the final price whose basis points sum to exactly 10000; the
 * deposit counts toward the FIRST installment. Due days never decrease.
 */
export const installmentsPlanSchema = z
  .strictObject({
    kind: z.literal('INSTALLMENTS'),
    depositFen: feeFen,
    installments: z.array(installmentSchema).min(1).max(MAX_INSTALLMENTS),
  })
  .refine((p) => p.installments.reduce((s, i) => s + i.bp, 0) === BP_ONE, {
    message: 'installment shares must sum to exactly 10000 bp (100 %)',
    path: ['installments'],
  })
  .refine((p) => p.installments.every((it, k) => k === 0 || it.dueDays >= p.installments[k - 1]!.dueDays), {
    message: 'installment due days must not decrease',
    path: ['installments'],
  });

/** One payment plan's terms, tagged by `kind`. */
export const paymentPlanSchema = z.discriminatedUnion('kind', [
  lumpSumPlanSchema,
  mortgagePlanSchema,
  installmentsPlanSchema,
]);
export type PaymentPlan = z.infer<typeof paymentPlanSchema>;
export type LumpSumPlan = z.infer<typeof lumpSumPlanSchema>;
export type MortgagePlan = z.infer<typeof mortgagePlanSchema>;
export type InstallmentsPlan = z.infer<typeof installmentsPlanSchema>;

export const SCHEDULE_ITEM_KINDS = ['DEPOSIT', 'DOWN_PAYMENT', 'BALANCE', 'INSTALLMENT', 'LOAN'] as const;
export type ScheduleItemKind = (typeof SCHEDULE_ITEM_KINDS)[number];

/** One line of the payment schedule (认购书 付款计划). */
export const scheduleItemSchema = z.object({
  kind: z.enum(SCHEDULE_ITEM_KINDS),
  label: z.string(),
  labelEn: z.string(),
  /** Amount due, fen (≥ 0). */
  amount: z.number().int(),
  /** Days after the signing date. */
  dueDays: z.number().int(),
  /** Due date in the project's time zone, YYYY-MM-DD. */
  dueDate: z.string(),
  /** Printed with the line: the mortgage plan's `loanNote` on the LOAN line. */
  note: z.string().optional(),
});
export type ScheduleItem = z.infer<typeof scheduleItemSchema>;

/** Coded refusals of `buildSchedule` (the server maps them to its error registry). */
export const SCHEDULE_REFUSAL_CODES = [
  /** The plan does not satisfy `paymentPlanSchema`. */
  'INVALID_PLAN',
  /** The final price is not an integer number of fen in [0, MAX_PRICE_FEN]. */
  'INVALID_PRICE',
  /** `signedAt` is not an ISO-8601 instant. */
  'INVALID_SIGNED_AT',
  /** The time zone is not an IANA zone known to Intl. */
  'INVALID_TIMEZONE',
  /** Deposit greater than the final price. */
  'DEPOSIT_EXCEEDS_PRICE',
  /** MORTGAGE: deposit greater than the down payment it is part of. */
  'DEPOSIT_EXCEEDS_DOWN_PAYMENT',
  /** INSTALLMENTS: deposit greater than the first installment it is part of. */
  'DEPOSIT_EXCEEDS_FIRST_INSTALLMENT',
] as const;
export type ScheduleRefusalCode = (typeof SCHEDULE_REFUSAL_CODES)[number];

export type ScheduleResult =
  | { ok: true; schedule: ScheduleItem[] }
  | { ok: false; code: ScheduleRefusalCode; message: string };

/** An ISO-8601 instant with a UTC offset or Z, e.g. 2026-11-28T09:30:00+08:00 (impossible dates refused). */
export const isoInstantSchema = z.iso.datetime({ offset: true });
const isInstant = (iso: string): boolean => isoInstantSchema.safeParse(iso).success;

/** One formatter per zone: constructing an Intl.DateTimeFormat costs far more than using one. */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormatIn(timeZone: string): Intl.DateTimeFormat {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hourCycle: 'h23',
    });
    dateFormats.set(timeZone, format);
  }
  return format;
}

/**
 * The calendar date (YYYY-MM-DD) of an instant in an IANA time zone. Throws RangeError for an
 * unknown zone or an invalid instant.
 */
export function calendarDateInZone(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  if (!isInstant(iso) || Number.isNaN(ms)) throw new RangeError(`invalid ISO instant "${iso}"`);
  // Every confirm asks for today's date: the last answer per zone is kept for its minute (zone
  // offsets change on whole minutes, so an instant in the same minute has the same date).
  const minute = Math.floor(ms / 60_000);
  const last = lastDates.get(timeZone);
  if (last?.minute === minute) return last.date;
  const date = formatCalendarDate(ms, iso, timeZone);
  lastDates.set(timeZone, { minute, date });
  return date;
}

const lastDates = new Map<string, { minute: number; date: string }>();

function formatCalendarDate(ms: number, iso: string, timeZone: string): string {
  const parts = dateFormatIn(timeZone).formatToParts(new Date(ms));
  const get = (type: 'year' | 'month' | 'day'): string => {
    const part = parts.find((p) => p.type === type);
    if (!part) throw new RangeError(`no ${type} for ${iso} in ${timeZone}`);
    return part.value;
  };
  return `${get('year').padStart(4, '0')}-${get('month')}-${get('day')}`;
}

/** YYYY-MM-DD plus `days` calendar days (proleptic Gregorian; time zones play no part here). */
export function addCalendarDays(date: string, days: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`invalid date "${date}"`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days));
  return d.toISOString().slice(0, 10);
}

/** floor(amount × bp / 10000) in exact integer arithmetic. */
function shareDown(amount: number, bp: number): number {
  return Number((BigInt(amount) * BigInt(bp)) / BigInt(BP_ONE));
}
/** ceil(amount × bp / 10000) in exact integer arithmetic. */
function shareUp(amount: number, bp: number): number {
  const n = BigInt(amount) * BigInt(bp);
  const d = BigInt(BP_ONE);
  return Number((n + d - 1n) / d);
}

const yuan = (fen: number): string => `¥${(fen / 100).toFixed(2)}`;

/**
 * The payment schedule of one deal. Rules (docs/pricing.md):
 * - the DEPOSIT 定金 is due on the signing date (day 0) and always comes first;
 * - LUMP_SUM: BALANCE = final − deposit;
 * - MORTGAGE: down payment = ceil(final × downPaymentBp / 10000) (never below the stated share),
 *   DOWN_PAYMENT line = that − deposit; LOAN = the remainder, dated with the down payment (the day
 *   the loan is applied for; the bank decides disbursement);
 * - INSTALLMENTS: each installment but the last is floor(final × bp / 10000); the LAST takes the
 *   remainder, so the lines sum exactly; the deposit is deducted from the first installment.
 * Amounts always sum to exactly `finalPrice`, are ≥ 0, and due dates never decrease.
 *
 * @param finalPrice the deal's final price, fen
 * @param signedAt the signing instant, ISO-8601 with offset (the server passes its own clock)
 * @param timeZone the project's IANA time zone, e.g. Asia/Shanghai: due dates are its calendar days
 */
export function buildSchedule(
  plan: PaymentPlan,
  finalPrice: number,
  signedAt: string,
  timeZone: string,
): ScheduleResult {
  const parsed = paymentPlanSchema.safeParse(plan);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      code: 'INVALID_PLAN',
      message: `${issue?.path.join('.') || 'plan'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const p = parsed.data;
  if (!Number.isSafeInteger(finalPrice) || finalPrice < 0 || finalPrice > MAX_PRICE_FEN) {
    return { ok: false, code: 'INVALID_PRICE', message: `final price must be whole fen in [0, ${MAX_PRICE_FEN}]` };
  }
  if (!isInstant(signedAt)) {
    return { ok: false, code: 'INVALID_SIGNED_AT', message: `signedAt "${signedAt}" is not an ISO-8601 instant` };
  }
  let day0: string;
  try {
    day0 = calendarDateInZone(signedAt, timeZone);
  } catch {
    return { ok: false, code: 'INVALID_TIMEZONE', message: `unknown time zone "${timeZone}"` };
  }
  if (p.depositFen > finalPrice) {
    return {
      ok: false,
      code: 'DEPOSIT_EXCEEDS_PRICE',
      message: `deposit ${yuan(p.depositFen)} exceeds the final price ${yuan(finalPrice)}`,
    };
  }

  const item = (
    kind: ScheduleItemKind,
    label: string,
    labelEn: string,
    amount: number,
    days: number,
  ): ScheduleItem => ({
    kind,
    label,
    labelEn,
    amount,
    dueDays: days,
    dueDate: addCalendarDays(day0, days),
  });
  const deposit = item('DEPOSIT', '定金', 'Deposit', p.depositFen, 0);

  switch (p.kind) {
    case 'LUMP_SUM':
      return {
        ok: true,
        schedule: [deposit, item('BALANCE', '尾款', 'Balance', finalPrice - p.depositFen, p.balanceDueDays)],
      };
    case 'MORTGAGE': {
      const down = shareUp(finalPrice, p.downPaymentBp);
      if (p.depositFen > down) {
        return {
          ok: false,
          code: 'DEPOSIT_EXCEEDS_DOWN_PAYMENT',
          message: `deposit ${yuan(p.depositFen)} exceeds the down payment ${yuan(down)}`,
        };
      }
      return {
        ok: true,
        schedule: [
          deposit,
          item(
            'DOWN_PAYMENT',
            '首付款（扣除定金）',
            'Down payment (less deposit)',
            down - p.depositFen,
            p.downPaymentDueDays,
          ),
          {
            ...item('LOAN', '按揭贷款', 'Mortgage loan', finalPrice - down, p.downPaymentDueDays),
            ...(p.loanNote === undefined ? {} : { note: p.loanNote }),
          },
        ],
      };
    }
    case 'INSTALLMENTS': {
      const n = p.installments.length;
      const gross: number[] = [];
      let allocated = 0;
      p.installments.forEach((it, k) => {
        const amount = k === n - 1 ? finalPrice - allocated : shareDown(finalPrice, it.bp);
        gross.push(amount);
        allocated += amount;
      });
      const first = gross[0]!;
      if (p.depositFen > first) {
        return {
          ok: false,
          code: 'DEPOSIT_EXCEEDS_FIRST_INSTALLMENT',
          message: `deposit ${yuan(p.depositFen)} exceeds the first installment ${yuan(first)}`,
        };
      }
      return {
        ok: true,
        schedule: [
          deposit,
          ...p.installments.map((it, k) =>
            item(
              'INSTALLMENT',
              k === 0 ? `第${k + 1}期（扣除定金）` : `第${k + 1}期`,
              k === 0 ? `Installment ${k + 1} (less deposit)` : `Installment ${k + 1}`,
              k === 0 ? first - p.depositFen : gross[k]!,
              it.dueDays,
            ),
          ),
        ],
      };
    }
  }
}
