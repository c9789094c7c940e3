/**
 * Buyers' names with rare characters 生僻字 on paper: printed with a real glyph, or refused with
 * UNPRINTABLE_CHARACTER — never an empty box. Printed with the font shipped with Kaipan alone
 * (system fonts switched off, as on a fresh server), checked in the PDF itself: the embedded
 * font's ToUnicode map has each character on a glyph other than .notdef, and pdftotext reads the
 * name back.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@kaipan/shared';
import { pdfGlyphs } from '../../../test/support/pdf-glyphs.js';
import { RenderPool } from '../jobs/render-pool.js';
import { renderAgreement } from './agreement.js';
import {
  type CjkFont,
  MissingGlyphsError,
  packagedCjkFont,
  renderWithFonts,
  resolveCjkFonts,
  type UnprintableCharacter,
} from './fonts.js';
import { renderPurchasePlan } from './purchase-plan.js';
import { renderReceipt } from './receipt.js';
import { sampleAgreement, samplePurchasePlan, sampleReceipt } from './samples.js';

const run = promisify(execFile);
const packagedOnly = resolveCjkFonts({ system: false });
const refuse = (characters: UnprintableCharacter[], message: string): AppError =>
  new AppError('UNPRINTABLE_CHARACTER', message, { characters });

/** 喆 堃 犇: outside GB2312 (in GBK); 䶮: CJK extension A; 龑: the end of the URO block. */
const RARE_NAMES = ['欧阳喆', '王堃', '刘犇', '李䶮', '赵龑'];
/** 𫠠 (U+2B820, CJK extension E): in no font Kaipan may use, Noto Sans CJK included. */
const NO_FONT = '\u{2B820}';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-rare-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function text(pdf: Buffer): Promise<string> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.pdf`);
  await fs.writeFile(file, pdf);
  return (await run('pdftotext', ['-raw', '-enc', 'UTF-8', file, '-'])).stdout.replace(/\s+/g, '');
}

function expectRealGlyphs(pdf: Buffer, names: string[]): void {
  const glyphs = pdfGlyphs(pdf);
  for (const char of new Set(names.join(''))) expect(glyphs.cidsOf(char), `${char} has a glyph`).not.toEqual([]);
}

describe('rare characters with the packaged font only', () => {
  it('the packaged font is the whole chain without system fonts', () => {
    expect(packagedOnly).toEqual([packagedCjkFont()]);
  });

  it('lays out like Noto Sans CJK: a four-plan purchase plan stays on one page (its own metrics pushed it onto two)', async () => {
    const base = samplePurchasePlan();
    const input = {
      ...base,
      columns: [
        ...base.columns,
        {
          plan: { code: 'STAFF', name: '员工专享', nameEn: 'Staff', kind: 'LUMP_SUM' as const },
          ok: false as const,
          reason: 'STAFF97 requires identity "staff"',
        },
      ],
    };
    const pdf = await renderWithFonts(packagedOnly, (font) => renderPurchasePlan(input, font), refuse);
    expect(pdf.toString('latin1').match(/\/Type \/Page\b/g)).toHaveLength(1);
  });

  it('a receipt prints each rare name with real glyphs', async () => {
    for (const name of RARE_NAMES) {
      const pdf = await renderWithFonts(
        packagedOnly,
        (font) => renderReceipt(sampleReceipt({ payer: { name, phone: '13812345678' } }), font),
        refuse,
      );
      expect(pdfGlyphs(pdf).fonts.every((f) => f.startsWith('NotoSansHans-'))).toBe(true);
      expectRealGlyphs(pdf, [name]);
      expect(await text(pdf)).toContain(name);
    }
  });

  it('a 认购书 prints rare names of the buyer and a co-buyer with real glyphs', async () => {
    const base = sampleAgreement();
    const input = sampleAgreement({
      buyer: {
        ...base.buyer,
        name: '欧阳喆堃',
        coBuyers: [{ name: '刘犇䶮龑', relation: '配偶', phone: '13900001111' }],
      },
    });
    const pdf = await renderWithFonts(packagedOnly, (font) => renderAgreement(input, font), refuse);
    expectRealGlyphs(pdf, ['欧阳喆堃', '刘犇䶮龑']);
    const flat = await text(pdf);
    expect(flat).toContain('欧阳喆堃');
    expect(flat).toContain('刘犇䶮龑');
  });

  it('a character no font has is refused with UNPRINTABLE_CHARACTER naming it; nothing is printed', async () => {
    const input = sampleReceipt({ payer: { name: `张${NO_FONT}`, phone: '13812345678' } });
    for (const chain of [packagedOnly, resolveCjkFonts()]) {
      const refused = await renderWithFonts(chain, (font) => renderReceipt(input, font), refuse).then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({
        code: 'UNPRINTABLE_CHARACTER',
        details: { characters: [{ char: NO_FONT, codePoint: 'U+2B820' }] },
      });
      expect((refused as AppError).message).toContain('U+2B820');
    }
    // CJK extensions B and G are beyond the packaged font (a full system font has 𠮷 and 𰻞): refused there too.
    for (const char of ['\u{20BB7}', '\u{30EDE}']) {
      const name = `${char}田`;
      await expect(
        renderWithFonts(
          packagedOnly,
          (font) => renderReceipt(sampleReceipt({ payer: { name, phone: '13812345678' } }), font),
          refuse,
        ),
      ).rejects.toMatchObject({
        code: 'UNPRINTABLE_CHARACTER',
        details: { characters: [{ char }] },
      });
    }
  });

  it('a renderer used on its own never returns tofu: its font lacks a character → MissingGlyphsError', async () => {
    const error = await renderReceipt(
      sampleReceipt({ payer: { name: `李${NO_FONT}`, phone: '13812345678' } }),
      packagedCjkFont(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingGlyphsError);
    expect((error as MissingGlyphsError).characters).toEqual([NO_FONT]);
  });

  it('a document its first font cannot print is drawn with the next font of the chain', async () => {
    // A font with no CJK (nor Latin) glyph at all: VS Code's icon font, shipped in playwright-core.
    const assets = path.join(
      path.dirname(createRequire(import.meta.url).resolve('playwright-core/package.json')),
      'lib/vite/recorder/assets',
    );
    const icons = (await fs.readdir(assets)).find((f) => f.endsWith('.ttf'));
    expect(icons).toBeDefined();
    const face = { path: path.join(assets, icons!), family: undefined };
    const iconFont: CjkFont = { ...face, bold: face, source: 'override' };
    const tried: string[] = [];
    const pdf = await renderWithFonts(
      [iconFont, ...packagedOnly],
      (font) => {
        tried.push(font.source);
        return renderReceipt(sampleReceipt({ payer: { name: '王堃', phone: '13812345678' } }), font);
      },
      refuse,
    );
    expect(tried).toEqual(['override', 'package']);
    expect(pdfGlyphs(pdf).fonts.every((f) => f.startsWith('NotoSansHans-'))).toBe(true);
    expectRealGlyphs(pdf, ['王堃']);
  });

  it('through the render thread: prints the rare name, and the refusal keeps its code', async () => {
    const pool = new RenderPool({ system: false });
    try {
      const pdf = await pool.renderDocument({
        kind: 'receipt',
        input: sampleReceipt({ payer: { name: '刘犇', phone: '13812345678' } }),
      });
      expectRealGlyphs(pdf, ['刘犇']);
      const refused = await pool
        .renderDocument({ kind: 'receipt', input: sampleReceipt({ payer: { name: NO_FONT, phone: '13812345678' } }) })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(AppError);
      expect(refused).toMatchObject({ code: 'UNPRINTABLE_CHARACTER', details: { characters: [{ char: NO_FONT }] } });
    } finally {
      await pool.close();
    }
  });
});
