/**
 * Finding a CJK font for PDF documents. pdfkit's built-in fonts (Helvetica…) have no Chinese glyphs,
 * so every document embeds a system CJK font; without one Chinese text would print as empty boxes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One font file as pdfkit's `registerFont(name, path, family)` wants it. */
export interface FontFace {
  path: string;
  /** PostScript name of the face inside a collection (.ttc/.otc); undefined for a single-font file. */
  family: string | undefined;
}

/** The regular face plus its bold companion (the regular face again when the family has no bold). */
export interface CjkFont extends FontFace {
  bold: FontFace;
}

const INSTALL_HINT =
  'Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk; Alpine: apk add font-noto-cjk; ' +
  'macOS: copy Noto Sans CJK SC into ~/Library/Fonts) or point the font override setting at a .ttf/.otf/.ttc file.';

/** [regular, bold] in order of preference; WenQuanYi has no bold weight, so it repeats the regular file. */
function candidates(): Array<[string, string]> {
  const noto = (dir: string): [string, string] => [`${dir}/NotoSansCJK-Regular.ttc`, `${dir}/NotoSansCJK-Bold.ttc`];
  const home = os.homedir();
  return [
    noto('/usr/share/fonts/opentype/noto'), // Debian, Ubuntu: fonts-noto-cjk
    noto('/usr/share/fonts/noto'), // Alpine: font-noto-cjk
    noto('/usr/share/fonts/noto-cjk'), // Arch: noto-fonts-cjk
    noto('/usr/share/fonts/google-noto-sans-cjk-fonts'), // Fedora ≥ 39
    noto('/usr/share/fonts/google-noto-cjk'), // older Fedora
    ['/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc', '/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Bold.ttc'],
    ...[`${home}/Library/Fonts`, '/Library/Fonts'].flatMap((dir): Array<[string, string]> => [
      [`${dir}/NotoSansCJKsc-Regular.otf`, `${dir}/NotoSansCJKsc-Bold.otf`],
      [`${dir}/SourceHanSansSC-Regular.otf`, `${dir}/SourceHanSansSC-Bold.otf`],
      noto(dir),
    ]),
    ...['/usr/share/fonts/truetype/wqy', '/usr/share/fonts/wenquanyi/wqy-zenhei', '/usr/share/fonts/wqy-zenhei'].flatMap(
      (dir): Array<[string, string]> => [
        [`${dir}/wqy-zenhei.ttc`, `${dir}/wqy-zenhei.ttc`],
        [`${dir}/wqy-microhei.ttc`, `${dir}/wqy-microhei.ttc`],
      ],
    ),
  ];
}

const cache = new Map<string, CjkFont>();

/**
 * Locate a CJK font, preferring `overridePath` (from configuration) over the usual Linux/macOS
 * locations of Noto Sans CJK SC, Source Han Sans and WenQuanYi. The result is cached per override.
 * A wrong override fails instead of falling back: a misconfigured printer host should be noticed at start.
 * @throws Error naming every place looked at and how to install a font.
 */
export function resolveCjkFont(overridePath?: string): CjkFont {
  const key = overridePath ?? '';
  const hit = cache.get(key);
  if (hit) return hit;

  let found: CjkFont;
  if (overridePath) {
    if (!isFile(overridePath)) {
      throw new Error(
        `CJK font override "${overridePath}" is not a readable file. Fix the path, or unset it to search ` +
          `${candidates().map(([r]) => r).join(', ')}. ${INSTALL_HINT}`,
      );
    }
    // NotoSansCJKsc-Regular.otf → NotoSansCJKsc-Bold.otf when it sits next to it.
    const boldGuess = path.join(path.dirname(overridePath), path.basename(overridePath).replace(/Regular/, 'Bold'));
    found = withBold(overridePath, isFile(boldGuess) ? boldGuess : overridePath);
  } else {
    const all = candidates();
    const pair = all.find(([regular]) => isFile(regular));
    if (!pair) throw new Error(`No CJK font found; looked at: ${all.map(([r]) => r).join(', ')}. ${INSTALL_HINT}`);
    found = withBold(pair[0], isFile(pair[1]) ? pair[1] : pair[0]);
  }
  cache.set(key, found);
  return found;
}

function withBold(regular: string, bold: string): CjkFont {
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
