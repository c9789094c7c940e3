/** The sales-target form's texts as a target (setup, sales-target.tsx). */
import type { SalesTarget } from '@kaipan/shared';
import { fenOfYuanText } from './money';

/** The form's three texts as a target; undefined when one of them is not a valid figure. */
export function targetOfTexts(units: string, area: string, amount: string): SalesTarget | undefined {
  const u = units.trim();
  const a = area.trim().replace(/[,，\s]/g, '');
  const m = amount.trim();
  const unitsValue = u === '' ? null : /^\d+$/.test(u) && Number(u) >= 1 ? Number(u) : undefined;
  const areaValue = a === '' ? null : /^\d+(\.\d{1,2})?$/.test(a) && Number(a) > 0 ? Number(a) : undefined;
  const fen = m === '' ? null : fenOfYuanText(m);
  const amountValue = fen === null ? (m === '' ? null : undefined) : fen >= 1 ? fen : undefined;
  if (unitsValue === undefined || areaValue === undefined || amountValue === undefined) return undefined;
  return { units: unitsValue, area: areaValue, amountFen: amountValue };
}
