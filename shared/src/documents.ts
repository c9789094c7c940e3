/**
 * Documents 文件 (issue 6): request bodies and settings of the PDF documents — receipts 收据,
 * subscription agreements 认购书, purchase plans 置业计划书 and day-end 日结. The response types
 * (DocumentInfo, DocumentJobInfo, VerifyResult) live in cashier.ts. docs/documents.md describes
 * what each document prints and what /verify/<id> answers.
 */
import { z } from 'zod';
import { DOCUMENT_VARIANTS, type DocumentKind, type DocumentVariant } from './cashier.js';
import { idSchema, selectedDiscountIdsSchema } from './schemas.js';

export const DOCUMENT_KINDS = [
  'RECEIPT',
  'AGREEMENT',
  'PURCHASE_PLAN',
  'DAY_END',
  'DISPUTE_PACK',
] as const satisfies readonly DocumentKind[];

/** Paper each kind may be printed on; the first is the default. */
export const DOCUMENT_KIND_VARIANTS: Readonly<Record<DocumentKind, readonly DocumentVariant[]>> = {
  RECEIPT: ['A5', 'THERMAL_80'],
  AGREEMENT: ['A4'],
  PURCHASE_PLAN: ['A4'],
  DAY_END: ['A4'],
  DISPUTE_PACK: ['A4'],
};

/** Most payment plans one purchase plan compares side by side. */
export const MAX_PURCHASE_PLAN_COLUMNS = 4;

/**
 * POST /api/documents — render (or reuse) a document. entityId: the receipt id (RECEIPT), the
 * subscription id (AGREEMENT), the unit id (PURCHASE_PLAN and DISPUTE_PACK) or the day-close id (DAY_END).
 * planIds (default: every active plan) and discountIds only for PURCHASE_PLAN.
 */
export const documentRequestSchema = z
  .strictObject({
    kind: z.enum(DOCUMENT_KINDS),
    entityId: idSchema,
    variant: z.enum(DOCUMENT_VARIANTS).optional(),
    planIds: z.array(idSchema).min(1).max(MAX_PURCHASE_PLAN_COLUMNS).optional(),
    discountIds: selectedDiscountIdsSchema.optional(),
  })
  .superRefine((b, ctx) => {
    if (b.variant !== undefined && !DOCUMENT_KIND_VARIANTS[b.kind].includes(b.variant)) {
      ctx.addIssue({
        code: 'custom',
        message: `${b.kind} is printed on ${DOCUMENT_KIND_VARIANTS[b.kind].join(' or ')}`,
        path: ['variant'],
      });
    }
    if (b.kind !== 'PURCHASE_PLAN' && (b.planIds !== undefined || b.discountIds !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'planIds and discountIds are for purchase plans only',
        path: ['planIds'],
      });
    }
    if (b.planIds !== undefined && new Set(b.planIds).size !== b.planIds.length) {
      ctx.addIssue({ code: 'custom', message: 'planIds must not repeat', path: ['planIds'] });
    }
  });
export type DocumentRequestBody = z.infer<typeof documentRequestSchema>;

export const documentRefSchema = z.strictObject({ documentId: idSchema });

/** Job ids the server hands out: `doc-…` (a render) or `current-<documentId>` (nothing to render). */
export const documentJobRefSchema = z.strictObject({
  jobId: z.string().regex(/^(doc|current)-[A-Za-z0-9_-]{1,200}$/, 'not a document job id'),
});

/** GET /api/projects/:projectId/documents?entityId=&kind= */
export const documentListQuerySchema = z.strictObject({
  entityId: idSchema.optional(),
  kind: z.enum(DOCUMENT_KINDS).optional(),
});
export type DocumentListQuery = z.infer<typeof documentListQuerySchema>;

/** Longest terms text of the 认购书. */
export const MAX_AGREEMENT_TERMS = 20_000;

/**
 * PATCH /api/projects/:projectId/agreement (managers). `terms`: plain text, paragraphs separated
 * by blank lines; empty = the default 认购须知. `signingDays`: days after the subscription by which
 * the purchase contract must be signed.
 */
export const agreementSettingsSchema = z.strictObject({
  terms: z.string().max(MAX_AGREEMENT_TERMS),
  signingDays: z.number().int().min(1).max(90),
});
export type AgreementSettingsBody = z.infer<typeof agreementSettingsSchema>;

/** GET /api/projects/:projectId/agreement */
export const agreementSettingsInfoSchema = z.object({
  /** The project's own text; '' when it uses the default. */
  terms: z.string(),
  signingDays: z.number().int(),
  /** What is printed when `terms` is empty. */
  defaultTerms: z.string(),
});
export type AgreementSettings = z.infer<typeof agreementSettingsInfoSchema>;

/** Printed on every 认购书 whose project has no terms of its own. */
export const DEFAULT_AGREEMENT_TERMS = [
  '1. 本认购书是买卖双方就上述房屋达成的认购意向，乙方应在签约期限内与甲方签订《商品房买卖合同》。The buyer shall sign the purchase contract within the signing period stated above.',
  '2. 乙方支付的定金在签订《商品房买卖合同》后自动转为购房款。The deposit becomes part of the purchase price once the purchase contract is signed.',
  '3. 乙方逾期未签订《商品房买卖合同》的，视为放弃认购，甲方有权另行出售该房屋，定金按《中华人民共和国民法典》有关定金的规定处理。If the buyer does not sign in time, the subscription lapses and the seller may sell the unit to others; the deposit is handled under the Civil Code rules on deposits.',
  "4. 因甲方原因未能签订《商品房买卖合同》的，甲方应双倍返还定金。If the contract is not signed for reasons on the seller's side, the seller returns double the deposit.",
  '5. 房屋面积以房产测绘机构实测面积为准，面积差异按《商品房买卖合同》约定处理。Areas are subject to the official survey; differences are settled as the purchase contract provides.',
  "6. 认购房屋的更名、换房、退房须经甲方书面同意并办理相关手续。Changes of buyer, unit or cancellation need the seller's written consent.",
  '7. 本认购书所载价格、付款方式及优惠以本认购书为准，口头承诺无效。Only the price, payment plan and discounts printed here apply; verbal promises are not binding.',
  '8. 本认购书一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。This agreement is made in two copies, one for each party, and takes effect when both have signed.',
  '9. 本文件可扫描二维码核验真伪及是否为最新版本。Scan the QR code to check that this document is authentic and current.',
].join('\n\n');

/** How long a purchase plan 置业计划书 is quoted for, calendar days including the quote day. */
export const PURCHASE_PLAN_VALID_DAYS = 7;
