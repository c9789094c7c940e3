/**
 * PDF documents, checked through poppler (pdftotext/pdfinfo) rather than by peeking at pdfkit
 * internals: what those tools read back is what a printer driver and a buyer's viewer will see.
 * Needs poppler-utils (the test setup installs it when missing); the CJK font is a system one when
 * installed, else the one shipped with Kaipan (npm).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packagedCjkFont, resolveCjkFonts, systemCjkFont } from './fonts.js';
import { createDocument, drawQr, formatProjectTime, mm, toBuffer } from './pdf.js';
import { type QueueTicketInput, renderQueueTicket } from './queue-ticket.js';

const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kaipan-docs-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function readBack(name: string, pdf: Buffer): Promise<{ text: string; info: string }> {
  const file = path.join(dir, name);
  await fs.writeFile(file, pdf);
  const [{ stdout: text }, { stdout: info }] = await Promise.all([
    run('pdftotext', ['-enc', 'UTF-8', file, '-']),
    run('pdfinfo', [file]),
  ]);
  return { text, info };
}

describe('resolveCjkFonts', () => {
  it('puts an installed system font first and the packaged Noto Sans Hans last; cached', () => {
    const chain = resolveCjkFonts();
    const last = chain.at(-1)!;
    expect(last).toMatchObject({ source: 'package', family: undefined });
    expect(last.path).toMatch(/@embedpdf\/fonts-sc\/fonts\/NotoSansHans-Regular\.otf$/);
    expect(last.bold.path).toMatch(/NotoSansHans-Bold\.otf$/);
    const system = systemCjkFont();
    expect(chain).toHaveLength(system ? 2 : 1);
    if (system) {
      expect(chain[0]).toEqual(system);
      // Collections need the face's PostScript name, read from the file itself.
      if (/\.tt?c$/i.test(system.path)) expect(system.family).toMatch(/sc-|zenhei|microhei/i);
    }
    expect(resolveCjkFonts()).toBe(chain);
  });

  it('without system fonts: only the packaged font', () => {
    expect(resolveCjkFonts({ system: false })).toEqual([packagedCjkFont()]);
  });

  it('rejects a bogus override, naming it', () => {
    const bogus = path.join(os.tmpdir(), 'no-such-dir', 'NoFont-Regular.ttc');
    expect(() => resolveCjkFonts({ override: bogus })).toThrow(bogus);
    expect(() => resolveCjkFonts({ override: bogus })).toThrow('CJK_FONT');
  });

  it('puts an override first and finds its bold sibling', () => {
    const packaged = packagedCjkFont();
    const chain = resolveCjkFonts({ override: packaged.path, system: false });
    expect(chain).toEqual([{ path: packaged.path, family: undefined, bold: packaged.bold, source: 'override' }]);
    expect(chain[0]!.bold.path).toBe(packaged.bold.path);
  });
});

describe('formatProjectTime', () => {
  it('prints wall-clock time in the project zone, across a UTC midnight', () => {
    expect(formatProjectTime(new Date('2026-11-27T16:30:00Z'))).toBe('2026-11-28 00:30');
    expect(formatProjectTime('2026-11-27T15:59:59Z', 'Asia/Shanghai')).toBe('2026-11-27 23:59');
    expect(formatProjectTime('2026-11-28T01:03:27.000Z')).toBe('2026-11-28 09:03');
    expect(formatProjectTime('2026-11-28T09:03:00+08:00')).toBe('2026-11-28 09:03');
    expect(formatProjectTime('2026-11-28T01:03:00Z', 'America/New_York')).toBe('2026-11-27 20:03');
  });

  it('refuses times it cannot place on the UTC line', () => {
    expect(() => formatProjectTime('2026-11-28T09:03:00')).toThrow(/no UTC offset/);
    expect(() => formatProjectTime(new Date(Number.NaN))).toThrow(/Invalid time/);
    expect(() => formatProjectTime(new Date(0), 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('drawQr', () => {
  it('draws every dark module of the symbol as vector rectangles', async () => {
    const url = 'https://kaipan.example.com/q/8d1f0b3c-2a77-4c0e-9a51-6f2e1d9b7a10';
    const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
    let expectedDark = 0;
    for (let r = 0; r < modules.size; r++) for (let c = 0; c < modules.size; c++) expectedDark += modules.get(r, c);

    const doc = createDocument({
      title: 'qr',
      rehearsal: undefined,
      createdAt: new Date(0),
      fonts: resolveCjkFonts()[0]!,
      page: { widthMm: 50, heightMm: 50, marginMm: 5 },
    });
    const drawn = drawQr(doc, url, mm(7), mm(7), mm(36));
    expect(drawn).toEqual({ modules: modules.size, dark: expectedDark });
    expect(drawn.dark).toBeGreaterThan(0);
    const pdf = await toBuffer(doc);
    expect(pdf.includes('/XObject')).toBe(false); // no raster image
  });
});

describe('renderQueueTicket', () => {
  const input: QueueTicketInput = {
    ticketId: 'qt_7f3a9c21e4b0',
    verificationCode: 'K7Q2',
    project: { name: '滨江壹号二期', nameEn: 'Riverside One Phase II', timezone: 'Asia/Shanghai' },
    number: 'V012',
    category: { name: '贵宾', nameEn: 'VIP' },
    issuedAt: '2026-11-28T01:03:27Z',
    peopleAhead: 23,
    followUrl: 'https://kaipan.example.com/q/8d1f0b3c-2a77-4c0e-9a51-6f2e1d9b7a10',
  };

  it('prints the Chinese text, number, category and Shanghai time on one 80 mm page', async () => {
    const pdf = await renderQueueTicket(input, resolveCjkFonts()[0]!);
    const { text, info } = await readBack('ticket.pdf', pdf);
    for (const expected of [
      '滨江壹号二期',
      'Riverside One Phase II',
      'V012',
      '贵宾',
      'VIP',
      '2026-11-28 09:03',
      '23 人',
      '扫码查看叫号进度',
      'qt_7f3a9c21e4b0',
      'K7Q2',
    ]) {
      expect(text).toContain(expected);
    }
    const size = /Page size:\s+([\d.]+) x ([\d.]+) pts/.exec(info);
    expect(size).not.toBeNull();
    const [width, height] = [Number(size?.[1]), Number(size?.[2])];
    expect(width).toBeCloseTo(226.77, 0); // 80 mm
    expect(height / (72 / 25.4)).toBeGreaterThan(100);
    expect(height / (72 / 25.4)).toBeLessThan(180);
    expect(info).toMatch(/Pages:\s+1\n/);
    expect(info).toMatch(/Author:\s+Kaipan/);
  });

  it('renders the same bytes for the same data, and copes without the optional fields', async () => {
    const fonts = resolveCjkFonts()[0]!;
    expect((await renderQueueTicket(input, fonts)).equals(await renderQueueTicket(input, fonts))).toBe(true);

    const minimal: QueueTicketInput = {
      ticketId: 't2',
      project: { name: '深圳湾云璟花园二期住宅项目首开认购专场' },
      number: 'A-0012',
      category: { name: '普通' },
      issuedAt: new Date('2026-11-27T16:30:00Z'),
      followUrl: 'https://kaipan.example.com/q/t2',
    };
    const { text, info } = await readBack('minimal.pdf', await renderQueueTicket(minimal, fonts));
    expect(text).toContain('A-0012');
    expect(text).toContain('2026-11-28 00:30');
    expect(text).not.toContain('Ahead');
    expect(info).toMatch(/Pages:\s+1\n/);
  });
});
