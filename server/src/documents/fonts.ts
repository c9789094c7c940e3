/**
 * The CJK fonts printed documents are drawn with. pdfkit's built-in fonts (Helvetica…) have no
 * Chinese glyphs, so every document embeds a CJK font:
 * 1. the override file (CJK_FONT), when configured;
 * 2. else a full system CJK font when one is installed (Noto Sans CJK / Source Han Sans: ~44 800
 *    characters, CJK extensions B–F included), unless system fonts are switched off
 *    (KAIPAN_SYSTEM_FONTS=0);
 * 3. always, last, the font shipped as an npm dependency: Noto Sans Hans (OFL, package
 *    @embedpdf/fonts-sc; despite the package's "GB2312" description it covers ~30 800 characters:
 *    the whole CJK Unified Ideographs block and extension A), so a fresh server prints without
 *    installing anything.
 * A document is drawn with the first font of this chain that has a glyph for every character it
 * prints (see renderWithFonts); a character no font has is refused with UNPRINTABLE_CHARACTER,
 * never printed as an empty box.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as fontkit from 'fontkit';

/** One font file as pdfkit's `registerFont(name, path, family)` wants it. */
export interface FontFace {
  path: string;
  /** PostScript name of the face inside a collection (.ttc/.otc); undefined for a single-font file. */
  family: string | undefined;
}

/** Where a font of the chain comes from. */
export type FontSource = 'override' | 'system' | 'package';

/** Vertical metrics in units of 1/1000 em (what pdfkit derives line heights and baselines from). */
export interface LineMetrics {
  ascent: number;
  descent: number;
  lineGap: number;
}

/** The regular face plus its bold companion (the regular face again when the family has no bold). */
export interface CjkFont extends FontFace {
  bold: FontFace;
  source: FontSource;
  /** Lay the font out with these metrics instead of its own (see NOTO_SANS_CJK_METRICS). */
  metrics?: LineMetrics;
}

/**
 * Noto Sans CJK's line metrics (hhea, Regular and Bold). Noto Sans Hans is the same design, but its
 * older tables say 880/-120 with a 500 line gap: 3.6 % taller lines and glyphs sitting higher, which
 * pushed a full purchase plan onto a second page. With these, a document lays out the same whichever
 * of the two fonts prints it.
 */
export const NOTO_SANS_CJK_METRICS: LineMetrics = { ascent: 1160, descent: -288, lineGap: 0 };

/** Which fonts documents may use (configuration: CJK_FONT, KAIPAN_SYSTEM_FONTS). */
export interface FontOptions {
  /** A .ttf/.otf/.ttc file to prefer; a path that is not a readable file fails loudly. */
  override?: string | undefined;
  /** Look for installed system CJK fonts (default true). False: only the override and the packaged font. */
  system?: boolean | undefined;
}

const INSTALL_HINT =
  'For the rarest characters install a full CJK font (Debian/Ubuntu: apt-get install fonts-noto-cjk; Alpine: apk add font-noto-cjk; ' +
  'macOS: copy Noto Sans CJK SC into ~/Library/Fonts) or point CJK_FONT at a .ttf/.otf/.ttc file.';

/** [regular, bold] in order of preference; WenQuanYi has no bold weight, so it repeats the regular file. */
function systemCandidates(): Array<[string, string]> {
  const noto = (dir: string): [string, string] => [`${dir}/NotoSansCJK-Regular.ttc`, `${dir}/NotoSansCJK-Bold.ttc`];
  const home = os.homedir();
  return [
    noto('/usr/share/fonts/opentype/noto'), // Debian, Ubuntu: fonts-noto-cjk
    noto('/usr/share/fonts/noto'), // Alpine: font-noto-cjk
    noto('/usr/share/fonts/noto-cjk'), // Arch: noto-fonts-cjk
    noto('/usr/share/fonts/google-noto-sans-cjk-fonts'), // Fedora ≥ 39
    noto('/usr/share/fonts/google-noto-cjk'), // older Fedora
    [
      '/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc',
      '/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Bold.ttc',
    ],
    ...[`${home}/Library/Fonts`, '/Library/Fonts'].flatMap(
      (dir): Array<[string, string]> => [
        [`${dir}/NotoSansCJKsc-Regular.otf`, `${dir}/NotoSansCJKsc-Bold.otf`],
        [`${dir}/SourceHanSansSC-Regular.otf`, `${dir}/SourceHanSansSC-Bold.otf`],
        noto(dir),
      ],
    ),
    ...[
      '/usr/share/fonts/truetype/wqy',
      '/usr/share/fonts/wenquanyi/wqy-zenhei',
      '/usr/share/fonts/wqy-zenhei',
    ].flatMap(
      (dir): Array<[string, string]> => [
        [`${dir}/wqy-zenhei.ttc`, `${dir}/wqy-zenhei.ttc`],
        [`${dir}/wqy-microhei.ttc`, `${dir}/wqy-microhei.ttc`],
      ],
    ),
  ];
}

/**
 * The font shipped with Kaipan: Noto Sans Hans Regular/Bold from @embedpdf/fonts-sc. Its package
 * exports only its script entry, so the font files are found next to it.
 */
export function packagedCjkFont(): CjkFont {
  let dir: string;
  try {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    dir = path.join(path.dirname(entry), '..', 'fonts');
  } catch {
    throw new Error('The packaged CJK font (@embedpdf/fonts-sc) is not installed: run `npm install`.');
  }
  const regular = path.join(dir, 'NotoSansHans-Regular.otf');
  const bold = path.join(dir, 'NotoSansHans-Bold.otf');
  if (!isFile(regular)) throw new Error(`The packaged CJK font is missing (${regular}): run \`npm install\`.`);
  return { ...withBold(regular, isFile(bold) ? bold : regular), source: 'package', metrics: NOTO_SANS_CJK_METRICS };
}

/** The first installed system CJK font, or null. */
export function systemCjkFont(): CjkFont | null {
  const pair = systemCandidates().find(([regular]) => isFile(regular));
  return pair ? { ...withBold(pair[0], isFile(pair[1]) ? pair[1] : pair[0]), source: 'system' } : null;
}

const cache = new Map<string, CjkFont[]>();

/**
 * The fonts a document may be drawn with, best first (see the module comment): the override, a
 * system CJK font, the packaged font. Never empty. Cached per options.
 * @throws Error when the override is not a readable file (a misconfigured printer host should be
 *   noticed, not silently fall back), or the packaged font is not installed.
 */
export function resolveCjkFonts(options: FontOptions = {}): CjkFont[] {
  const system = options.system ?? true;
  const key = `${options.override ?? ''}|${system}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const chain: CjkFont[] = [];
  if (options.override) {
    if (!isFile(options.override)) {
      throw new Error(
        `CJK font override (CJK_FONT) "${options.override}" is not a readable file. Fix the path, or unset it.`,
      );
    }
    // NotoSansCJKsc-Regular.otf → NotoSansCJKsc-Bold.otf when it sits next to it.
    const boldGuess = path.join(
      path.dirname(options.override),
      path.basename(options.override).replace(/Regular/, 'Bold'),
    );
    chain.push({ ...withBold(options.override, isFile(boldGuess) ? boldGuess : options.override), source: 'override' });
  }
  if (system) {
    const found = systemCjkFont();
    if (found) chain.push(found);
  }
  chain.push(packagedCjkFont());
  // The same file twice (an override naming an installed font) would only be tried twice.
  const unique = chain.filter((f, i) => chain.findIndex((g) => g.path === f.path) === i);
  cache.set(key, unique);
  return unique;
}

/** A character no font of the chain can print. */
export interface UnprintableCharacter {
  char: string;
  /** "U+30EDE" */
  codePoint: string;
}

/**
 * A document asked for characters its font has no glyph for: drawn, they would print as empty
 * boxes. Thrown by toBuffer (documents/pdf.ts); renderWithFonts then tries the next font.
 */
export class MissingGlyphsError extends Error {
  constructor(
    readonly characters: string[],
    readonly font: CjkFont,
  ) {
    super(`${path.basename(font.path)} has no glyph for ${characters.map(describeChar).join(', ')}`);
    this.name = 'MissingGlyphsError';
  }
}

export function describeChar(char: string): string {
  return `${char} (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`;
}

/**
 * Draw a document with the first font of `chain` that has every character it prints (one font per
 * document: a line never mixes two designs). Returns the PDF; when no font of the chain can print
 * the document, throws `onUnprintable(characters, message)` (the caller's coded error) naming the
 * characters no font has.
 */
export async function renderWithFonts<E extends Error>(
  chain: readonly CjkFont[],
  draw: (font: CjkFont) => Promise<Buffer>,
  onUnprintable: (characters: UnprintableCharacter[], message: string) => E,
): Promise<Buffer> {
  const misses: MissingGlyphsError[] = [];
  for (const font of chain) {
    try {
      return await draw(font);
    } catch (error) {
      if (!(error instanceof MissingGlyphsError)) throw error;
      misses.push(error);
    }
  }
  // The characters no font has; if every font lacks a different one, no single font has them all.
  const inAll = (misses[0]?.characters ?? []).filter((c) => misses.every((m) => m.characters.includes(c)));
  const chars = inAll.length > 0 ? inAll : [...new Set(misses.flatMap((m) => m.characters))];
  const tried = chain.map((f) => path.basename(f.path)).join(', ');
  const message =
    inAll.length > 0
      ? `No font on this server can print ${chars.map(describeChar).join(', ')} (tried ${tried}). ${INSTALL_HINT}`
      : `No single font on this server can print all of ${chars.map(describeChar).join(', ')} (tried ${tried}). ${INSTALL_HINT}`;
  throw onUnprintable(
    chars.map((char) => ({ char, codePoint: `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` })),
    message,
  );
}

/**
 * The parsed font of a face, shared by every document of the process: parsing (and, for a 20 MB
 * collection, finding the face) once instead of per document; fontkit caches glyphs inside it.
 */
const parsed = new Map<string, fontkit.Font>();

export function loadFace(face: FontFace): fontkit.Font {
  const key = `${face.path}#${face.family ?? ''}`;
  let font = parsed.get(key);
  if (!font) {
    const created = fontkit.create(fs.readFileSync(face.path), face.family);
    if (!('layout' in created)) throw new Error(`${face.path} is a font collection: name one of its faces`);
    font = created;
    parsed.set(key, font);
  }
  return font;
}

function withBold(regular: string, bold: string): Omit<CjkFont, 'source'> {
  return { ...describeFace(regular), bold: describeFace(bold) };
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * A collection needs the PostScript name of one face. Read the names from the file rather than
 * hard-coding them, so any .ttc override works: prefer Simplified Chinese (…sc-/…SC-, the glyph
 * shapes mainland buyers expect), never a monospaced face unless nothing else exists.
 */
function describeFace(file: string): FontFace {
  const names = collectionFaceNames(file);
  if (!names) return { path: file, family: undefined };
  const proportional = names.filter((n) => !/mono/i.test(n));
  const family = proportional.find((n) => /sc(-|$)/i.test(n)) ?? proportional[0] ?? names[0];
  if (!family) throw new Error(`Font collection ${file} has no named faces`);
  return { path: file, family };
}

/** PostScript names (name ID 6) of every face in a TrueType/OpenType collection; null if not a collection. */
function collectionFaceNames(file: string): string[] | null {
  const fd = fs.openSync(file, 'r');
  try {
    // Only headers and name tables are read: CJK collections are ~20 MB.
    const read = (offset: number, length: number): Buffer => {
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, offset);
      return buf;
    };
    const header = read(0, 12);
    if (header.toString('latin1', 0, 4) !== 'ttcf') return null;
    const count = header.readUInt32BE(8);
    const offsets = read(12, 4 * count);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const sfnt = offsets.readUInt32BE(4 * i);
      const numTables = read(sfnt + 4, 2).readUInt16BE(0);
      const dir = read(sfnt + 12, 16 * numTables);
      for (let t = 0; t < numTables; t++) {
        if (dir.toString('latin1', 16 * t, 16 * t + 4) !== 'name') continue;
        const name = psName(read(dir.readUInt32BE(16 * t + 8), dir.readUInt32BE(16 * t + 12)));
        if (name) names.push(name);
      }
    }
    return names;
  } finally {
    fs.closeSync(fd);
  }
}

function psName(table: Buffer): string | undefined {
  const count = table.readUInt16BE(2);
  const strings = table.readUInt16BE(4);
  for (let r = 0; r < count; r++) {
    const rec = 6 + 12 * r;
    if (table.readUInt16BE(rec + 6) !== 6) continue;
    const start = strings + table.readUInt16BE(rec + 10);
    const raw = table.subarray(start, start + table.readUInt16BE(rec + 8));
    // Windows-platform (3) strings are UTF-16BE; Macintosh ones are single-byte.
    return table.readUInt16BE(rec) === 3 ? Buffer.from(raw).swap16().toString('utf16le') : raw.toString('latin1');
  }
  return undefined;
}
