/**
 * Independent check of a published lottery record (摇号结果核验); algorithm in docs/lottery.md.
 *
 *   npm run verify-lottery -- <record.json>
 *
 * Exit codes: 0 the draw verifies; 1 it does not (report names every mismatch);
 * 2 the file cannot be read or is not a valid record (message on stderr).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { lotteryRecordSchema, verifyDraw, type LotteryRecord } from '@kaipan/shared';

const USAGE = 'usage: npm run verify-lottery -- <record.json>\n用法: npm run verify-lottery -- <摇号记录.json>';

class InputError extends Error {}

async function loadRecord(file: string): Promise<LotteryRecord> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new InputError(`无法读取文件 cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`不是有效的 JSON / not valid JSON (${file}): ${(e as Error).message}`);
  }
  const parsed = lotteryRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new InputError(
      `不是有效的摇号记录 / not a valid lottery record (${file}):\n${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

function report(record: LotteryRecord): boolean {
  const v = verifyDraw(record);
  const lines = [
    `摇号结果核验 Lottery verification — ${record.projectCode}, ${record.drawnAt}, ${record.entries.length} 组 entries`,
  ];
  const commitment = (zh: string, en: string, recomputed: string | null, published: string): string =>
    recomputed === null
      ? `  ${zh} ${en}: 无法计算 cannot compute`
      : recomputed === published
        ? `  ${zh} ${en}: 一致 OK  ${recomputed}`
        : `  ${zh} ${en}: 不一致 MISMATCH  recomputed 重算 ${recomputed}, published 公示 ${published}`;
  lines.push(commitment('名单承诺', 'list commitment', v.listCommitment, record.listCommitment));
  lines.push(commitment('种子承诺', 'seed commitment', v.seedCommitment, record.seedCommitment));
  if (v.expectedOrder === null) {
    lines.push('  选房顺序 order: 无法重算 cannot recompute');
  } else if (v.firstDifference === null) {
    lines.push(`  选房顺序 order: 一致 OK  全部 ${v.expectedOrder.length} 个位置相同 all positions match`);
  } else {
    const k = v.firstDifference;
    lines.push(
      `  选房顺序 order: 不一致 MISMATCH  第 ${k + 1} 位起不同 first difference at position ${k + 1}: ` +
        `应为 expected ${v.expectedOrder[k] ?? '(无 none)'}, 公示 published ${record.order[k] ?? '(无 none)'}`,
    );
  }
  if (!v.ok) lines.push(...v.problems.map((p) => `  - ${p}`));
  lines.push(v.ok ? '结论 Result: 通过 VALID' : '结论 Result: 不通过 INVALID');
  console.log(lines.join('\n'));
  return v.ok;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  if (args.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  try {
    return report(await loadRecord(args[0] as string)) ? 0 : 1;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    console.error(e.message);
    return 2;
  }
}

// exitCode rather than exit(): lets a long report drain to a pipe before the process ends.
main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 2;
  },
);
