/**
 * Building blocks shared by every printed document (queue ticket, receipt 收据, subscription
 * agreement 认购书). Pure: data in, PDF bytes out; no database, no clock, no environment.
 */
import type { Font as FontkitFont } from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type CjkFont, type FontFace, type LineMetrics, loadFace, MissingGlyphsError } from './fonts.js';

export type Pdf = PDFKit.PDFDocument;

export const PT_PER_MM = 72 / 25.4;

/** Millimetres → PDF points (1/72 in). Layouts are specified in mm because paper and printers are. */
export function mm(value: number): number {
  return value * PT_PER_MM;
}

/** Names the CJK faces are registered under in every document. */
export const FONT = { regular: 'cjk-regular', bold: 'cjk-bold' } as const;

export interface PageSpec {
  widthMm: number;
  heightMm: number;
  marginMm: number;
}

export interface DocumentSetup {
  title: string;
  subject?: string;
  /**
   * Written as the PDF creation date and used to derive the file ID, so it must come from the data
   * (issue time, payment time), not the clock: re-printing the same record yields the same bytes.
   */
  createdAt: Date;
  fonts: CjkFont;
  /** First page; omit it for roll paper whose length is only known after layout (see addFittedPage). */
  page?: PageSpec;
  /**
   * A rehearsal's document (docs/setup.md "Rehearsal"): the title says 演练 REHEARSAL and every page
   * carries the watermark, drawn as the page is added — under whatever the renderer draws on it.
   * Undefined on a real project's documents (their bytes are unchanged). Not optional: every renderer
   * passes its project's flag, so a new document kind cannot forget it.
   */
  rehearsal: boolean | undefined;
}

/** What a rehearsal's title starts with and its pages say across. */
export const REHEARSAL_MARK = '演练 REHEARSAL';

export function createDocument(setup: DocumentSetup): Pdf {
  const doc = new PDFDocument({
    autoFirstPage: false,
    lang: 'zh-CN',
    info: {
      Title: setup.rehearsal ? `【${REHEARSAL_MARK}】${setup.title}` : setup.title,
      Author: 'Kaipan',
      Creator: 'Kaipan',
      CreationDate: setup.createdAt,
      ...(setup.subject ? { Subject: setup.subject } : {}),
    },
  });
  const missing = new Set<string>();
  missingGlyphs.set(doc, { missing, font: setup.fonts });
  // pdfkit takes a parsed fontkit font as a font source (PDFFontFactory.open); its type says files only.
  doc.registerFont(FONT.regular, recording(setup.fonts, missing, setup.fonts.metrics) as unknown as Buffer);
  doc.registerFont(FONT.bold, recording(setup.fonts.bold, missing, setup.fonts.metrics) as unknown as Buffer);
  doc.font(FONT.regular);
  if (setup.rehearsal) doc.on('pageAdded', () => drawRehearsalMark(doc));
  if (setup.page) addPage(doc, setup.page);
  return doc;
}

/** pdfkit's text state, which drawing the watermark must leave as the renderer had it. */
type TextState = { _font: unknown; _fontSize: number; x: number; y: number };

/**
 * 演练 REHEARSAL across the page, diagonally, light grey: the whole page is the rehearsal's, whatever
 * is printed on it. Text state (font, size, cursor) and graphics state are restored afterwards, so a
 * page added in the middle of a text flow goes on exactly as before.
 */
function drawRehearsalMark(doc: Pdf): void {
  const state = doc as unknown as TextState;
  const saved = { font: state._font, size: state._fontSize, x: doc.x, y: doc.y };
  const { width, height } = doc.page;
  const size = Math.min(width, height) / 9;
  const angle = (-Math.atan2(height, width) * 180) / Math.PI;
  doc.save();
  doc.rotate(angle, { origin: [width / 2, height / 2] });
  doc.font(FONT.bold).fontSize(size).fillColor('#9ca3af').fillOpacity(0.28);
  const text = REHEARSAL_MARK;
  const textWidth = doc.widthOfString(text);
  doc.text(text, width / 2 - textWidth / 2, height / 2 - size / 2, { lineBreak: false });
  doc.restore();
  state._font = saved.font;
  state._fontSize = saved.size;
  doc.x = saved.x;
  doc.y = saved.y;
}

const CONTROL = /^\p{Cc}$/u;

/** Per document: the characters its font had no glyph for (checked by toBuffer). */
const missingGlyphs = new WeakMap<Pdf, { missing: Set<string>; font: CjkFont }>();

/**
 * The face (parsed once per process, see loadFace) seen through a layout that notes every
 * character mapped to glyph 0, .notdef: pdfkit lays out every string it measures or draws through
 * `font.layout`, and would print .notdef as an empty box (tofu).
 */
function recording(face: FontFace, missing: Set<string>, metrics: LineMetrics | undefined): FontkitFont {
  const font = loadFace(face);
  const view = Object.create(font) as FontkitFont;
  if (metrics) {
    // fontkit's metrics are getters on the prototype: shadow them on the view (scaled to its em).
    const scale = font.unitsPerEm / 1000;
    for (const [key, value] of Object.entries(metrics)) Object.defineProperty(view, key, { value: value * scale });
  }
  view.layout = (text, ...rest) => {
    const run = font.layout(text, ...rest);
    // Glyph 0 is cached by fontkit without its code points: ask the character map which ones lack a
    // glyph. Control characters (a line break inside a measured string) are layout, not ink.
    if (run.glyphs.some((g) => g.id === 0)) {
      for (const char of text)
        if (!CONTROL.test(char) && !font.hasGlyphForCodePoint(char.codePointAt(0)!)) missing.add(char);
    }
    return run;
  };
  return view;
}

export function addPage(doc: Pdf, page: PageSpec): void {
  doc.addPage({ size: [mm(page.widthMm), mm(page.heightMm)], margin: mm(page.marginMm) });
}

/**
 * Ends the document and collects its bytes.
 * @throws MissingGlyphsError (rejects) when the document asked its font for a character the font
 *   lacks: it would print as an empty box (renderWithFonts then tries the next font).
 */
export function toBuffer(doc: Pdf): Promise<Buffer> {
  const glyphs = missingGlyphs.get(doc);
  if (glyphs && glyphs.missing.size > 0)
    return Promise.reject(new MissingGlyphsError([...glyphs.missing], glyphs.font));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** A vertical slice of a roll-paper document: measured before the page exists, drawn once it does. */
export interface Block {
  /** Points, including any space below the content. */
  height: number;
  draw(x: number, y: number): void;
}

export interface TextStyle {
  font?: keyof typeof FONT;
  /** Points. */
  size: number;
  align?: 'left' | 'center' | 'right';
  /** Points of blank space after the text. */
  gapAfter?: number;
  characterSpacing?: number;
}

/** Wrapped text of a known width; the measured height is exactly what doc.text will advance. */
export function textBlock(doc: Pdf, text: string, width: number, style: TextStyle): Block {
  const options = { width, align: style.align ?? 'left', characterSpacing: style.characterSpacing ?? 0 };
  const apply = (): Pdf => doc.font(FONT[style.font ?? 'regular']).fontSize(style.size);
  const height = apply().heightOfString(text, options);
  return {
    height: height + (style.gapAfter ?? 0),
    draw: (x, y) => void apply().text(text, x, y, options),
  };
}

export function spacer(height: number): Block {
  return { height, draw: () => {} };
}

/**
 * Adds one page exactly as long as the blocks need (thermal roll paper is cut after printing) and
 * draws them top to bottom. The page is rounded up to whole mm so rounding never pushes the last
 * line past the bottom margin, where pdfkit would silently start a second page.
 */
export function addFittedPage(doc: Pdf, page: { widthMm: number; marginMm: number }, blocks: Block[]): void {
  const content = blocks.reduce((sum, b) => sum + b.height, 0);
  const heightMm = Math.ceil(content / PT_PER_MM + 2 * page.marginMm);
  addPage(doc, { ...page, heightMm });
  const x = mm(page.marginMm);
  let y = mm(page.marginMm);
  for (const block of blocks) {
    block.draw(x, y);
    y += block.height;
  }
}

/** Blank margin a QR symbol needs on every side: 4 modules (ISO/IEC 18004), in the units of `size`. */
export function qrQuietZone(text: string, size: number): number {
  return (4 * size) / QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size;
}

/** Number of modules per side, and how many of them are dark. */
export interface QrDrawn {
  modules: number;
  dark: number;
}

/**
 * Draws `text` as a QR code (error correction M) in vector form: filled rectangles, no raster
 * image, so it stays sharp at any printer resolution. `size` is the symbol without quiet zone; the
 * caller leaves qrQuietZone() of blank paper around it. Each run of dark modules in a row is one
 * rectangle (fewer path operations than one per module) and all are filled at once.
 */
export function drawQr(doc: Pdf, text: string, x: number, y: number, size: number): QrDrawn {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = modules.size;
  const cell = size / n;
  let dark = 0;
  doc.save();
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && modules.get(row, col)) col++;
      dark += col - start;
      doc.rect(x + start * cell, y + row * cell, (col - start) * cell, cell);
    }
  }
  doc.fillColor('black').fill();
  doc.restore();
  return { modules: n, dark };
}

export { DEFAULT_TIME_ZONE, formatProjectTime } from './format.js';
