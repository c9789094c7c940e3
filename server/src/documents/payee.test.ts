/**
 * The payee company 收款单位 on paper: receipts (A5 and 80 mm) print its name and credit code, the
 * 认购书 names it as the seller with its credit code and bank account; without one, nothing changes.
 * Read back with pdftotext.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAgreement } from './agreement.js';
import { resolveCjkFonts } from './fonts.js';
import { renderReceipt } from './receipt.js';
import { sampleAgreement, sampleReceipt } from './samples.js';

const run = promisify(execFile);
const PAYEE = {
  name: '杭州滨江房地产开发集团股份有限公司滨江壹号二期项目分公司',
  creditCode: '914403001922038216',
  bank: '中国建设银行杭州滨江支行',
  account: '3305 0161 6287 0000 0123',
};

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-payee-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function textOf(name: string, pdf: Buffer): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, pdf);
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', file, '-']);
  return stdout.replace(/\s+/g, '');
}

describe('the payee on documents', () => {
  const fonts = resolveCjkFonts()[0]!;

  it('receipts print the payee name and credit code (A5 and 80 mm); without a payee, neither', async () => {
    const base = sampleReceipt();
    const project = { ...base.project, payee: PAYEE };
    for (const variant of ['A5', 'THERMAL_80'] as const) {
      const text = await textOf(`r-${variant}.pdf`, await renderReceipt({ ...base, project, variant }, fonts));
      expect(text).toContain(PAYEE.name);
      expect(text).toContain(`统一社会信用代码${PAYEE.creditCode}`);
      const bare = await textOf(`b-${variant}.pdf`, await renderReceipt({ ...base, variant }, fonts));
      expect(bare).not.toContain('收款单位');
    }
  });

  it('the 认购书 names the payee as the seller, with its credit code and bank account', async () => {
    const base = sampleAgreement();
    const text = await textOf(
      'agreement.pdf',
      await renderAgreement({ ...base, project: { ...base.project, payee: PAYEE } }, fonts),
    );
    expect(text).toContain(`甲方（出卖人）Seller${PAYEE.name}`);
    expect(text).toContain(PAYEE.creditCode);
    expect(text).toContain(PAYEE.bank);
    expect(text).toContain(PAYEE.account.replace(/\s+/g, ''));
  });
});
