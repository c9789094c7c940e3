/**
 * What a PDF's embedded fonts say about its characters, read from the file itself (no pdfkit
 * internals): each Type0 font's ToUnicode CMap maps the glyph ids (CIDs) the page draws back to
 * text. A character drawn with a real glyph maps from a CID > 0; one drawn as .notdef — the empty
 * box, "tofu" — is CID 0, which pdfkit maps to U+0000, so the character is absent from every map.
 */
import { inflateSync } from 'node:zlib';

export interface PdfGlyphs {
  /** BaseFont of every embedded Type0 font, subset tag removed (e.g. "NotoSansHans-Regular"). */
  fonts: string[];
  /** Glyph ids (CIDs) that print `char`, over every font; [] when the character has no real glyph. */
  cidsOf(char: string): number[];
}

/** Every stream of the file, decompressed where FlateDecode. */
function streams(pdf: Buffer): Buffer[] {
  const text = pdf.toString('latin1');
  const out: Buffer[] = [];
  const re = /<<((?:(?!>>\s*stream)[\s\S])*?)>>\s*stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const length = /\/Length (\d+)/.exec(m[1]!);
    if (!length) continue;
    const start = m.index + m[0].length;
    const raw = pdf.subarray(start, start + Number(length[1]));
    out.push(/\/FlateDecode/.test(m[1]!) ? inflateSync(raw) : raw);
  }
  return out;
}

/** UTF-16BE hex groups ("d842 dfb7") → the string. */
function fromHex(groups: string): string {
  const units = groups
    .trim()
    .split(/\s+/)
    .map((h) => parseInt(h, 16));
  return String.fromCharCode(...units);
}

export function pdfGlyphs(pdf: Buffer): PdfGlyphs {
  const fonts = [...pdf.toString('latin1').matchAll(/\/BaseFont \/(?:[A-Z]{6}\+)?([^\s/>]+)/g)].map((m) => m[1]!);
  const maps: Array<Map<number, string>> = [];
  for (const s of streams(pdf)) {
    const text = s.toString('latin1');
    if (!text.includes('beginbfrange')) continue;
    const map = new Map<number, string>();
    for (const range of text.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*\[([^\]]*)\]/g)) {
      let cid = parseInt(range[1]!, 16);
      for (const entry of range[3]!.matchAll(/<([^>]*)>/g)) map.set(cid++, fromHex(entry[1]!));
    }
    maps.push(map);
  }
  return {
    fonts: [...new Set(fonts)],
    cidsOf: (char) =>
      maps.flatMap((map) => [...map].filter(([cid, text]) => cid > 0 && text === char).map(([cid]) => cid)),
  };
}
