/**
 * The wall board's layout (销控大屏), as a pure function: given the screen area for the buildings and
 * each building's floors × positions, how big a tile is and which buildings (or floor bands of a
 * building) share a page. Tiles fill the area; when every unit cannot be shown at a size readable
 * across the hall, the board pages — whole buildings side by side where they fit, a tower too tall
 * for one page in floor bands — and rotates the pages on a timer.
 *
 * Readability is relative to the screen height, not to pixels: the same wall screen at 1366×768 or
 * 3840×2160 is read from the same distance. A unit number of at least `minFontFraction` of the
 * screen height (default 1/40: 27 px at 1080p, 19 px at 768, 54 px at 2160) is about 20 mm on a
 * 75–86" screen — legible at 10 m by the usual 1:500 rule for letter height to reading distance.
 */

/** One building as the board draws it. */
export interface BoardBuildingShape {
  id: string;
  /** Rows: floors that hold units (a duplex's upper storey included). */
  floors: number;
  /** Columns: positions per floor. */
  columns: number;
  /** Characters of the longest unit number shown in a tile (e.g. 4 for "1802"). */
  codeChars?: number;
}

export interface BoardLayoutInput {
  /** Pixels available for the buildings (the side column and header are not included). */
  width: number;
  height: number;
  /** The whole screen's height: readability is a fraction of it. */
  screenHeight: number;
  buildings: readonly BoardBuildingShape[];
  /** Unit number height as a fraction of the screen height that is readable across the hall. */
  minFontFraction?: number;
}

/** A building, or a band of its floors, on one page. */
export interface BoardPanel {
  buildingId: string;
  /** Rows shown, as indices into the building's floors listed top floor first: [rowFrom, rowTo). */
  rowFrom: number;
  rowTo: number;
  /** Positions shown, 0-based: [colFrom, colTo) (a building wider than a page is split by position too). */
  colFrom: number;
  colTo: number;
  /** This building is split into several panels (floor bands, position bands): this one's index and count. */
  band: number;
  bands: number;
  /** Panel width in px (tiles + floor labels + padding). */
  width: number;
  /** Tile height in px for this panel (a shorter panel's tiles are taller: the panel is filled). */
  tileHeight: number;
}

export interface BoardPage {
  panels: BoardPanel[];
  /** Tile width in px on this page (every panel of the page). */
  tileWidth: number;
  /** Unit number font size in px on this page (the same for every panel, so numbers read alike). */
  fontPx: number;
  /** Floor label font size in px, and the label column's width. */
  floorFontPx: number;
  labelWidth: number;
}

export interface BoardLayout {
  pages: BoardPage[];
  /** The smallest unit number font over all pages, in px. */
  minFontPx: number;
  /** The readable minimum for this screen, in px (pages are only made when it cannot be met on one). */
  readableFontPx: number;
  /** Gap between tiles and panels, panel head height and panel padding (both sides), px. */
  gapPx: number;
  headPx: number;
  padPx: number;
}

/** Gap between tiles and between panels, as a fraction of the screen height. */
const GAP_FRACTION = 0.004;
/** Floor label column width, in tile widths. */
const LABEL_COLUMNS = 0.75;
/** Panel head (building name, available count) height, as a fraction of the screen height. */
const HEAD_FRACTION = 0.045;
/** Panel padding (both sides together), as a fraction of the screen height. */
const PAD_FRACTION = 0.014;
/** A unit number's font size as a share of the tile height, and a glyph's width as a share of the font size. */
const FONT_OF_HEIGHT = 0.52;
const GLYPH_WIDTH = 0.6;
/** Horizontal room a number leaves inside its tile. */
const TEXT_FILL = 0.84;
/** A tile is never taller than this many times its width (short towers fill height, not into slivers). */
const MAX_TALL = 1.15;
/** Nor wider than this many times its height. */
const MAX_WIDE = 3;

export const DEFAULT_MIN_FONT_FRACTION = 1 / 40;

/** The layout of the board's building area: tile sizes and pages (one page when all fit readably). */
export function boardLayout(input: BoardLayoutInput): BoardLayout {
  const minFraction = input.minFontFraction ?? DEFAULT_MIN_FONT_FRACTION;
  const readableFontPx = input.screenHeight * minFraction;
  const buildings = input.buildings.filter((b) => b.floors > 0 && b.columns > 0);
  const metrics = metricsOf(input);
  if (buildings.length === 0) return finish([], readableFontPx, metrics);

  // Smallest tile that holds a readable number.
  const chars = Math.max(...buildings.map((b) => b.codeChars ?? 4));
  const minTileH = readableFontPx / FONT_OF_HEIGHT;
  const minTileW = (chars * GLYPH_WIDTH * readableFontPx) / TEXT_FILL;

  const onePage = sizePage(
    buildings.map((b) => ({
      building: b,
      rowFrom: 0,
      rowTo: b.floors,
      colFrom: 0,
      colTo: b.columns,
      band: 0,
      bands: 1,
    })),
    metrics,
    chars,
  );
  if (onePage.fontPx >= readableFontPx - 1e-6) return finish([onePage], readableFontPx, metrics);

  // Paging: rows and columns a page can hold at the readable size, then bands of at most that many.
  const rowsPerPage = Math.max(1, Math.floor((metrics.gridHeight + metrics.gap) / (minTileH + metrics.gap)));
  const colsPerPage = Math.max(
    1,
    Math.floor((input.width - metrics.pad - LABEL_COLUMNS * minTileW) / (minTileW + metrics.gap)),
  );
  const chunks: Chunk[] = [];
  for (const b of buildings) {
    const rowBands = split(b.floors, rowsPerPage);
    const colBands = split(b.columns, colsPerPage);
    const bands = rowBands.length * colBands.length;
    let band = 0;
    for (const [rowFrom, rowTo] of rowBands)
      for (const [colFrom, colTo] of colBands)
        chunks.push({ building: b, rowFrom, rowTo, colFrom, colTo, band: band++, bands });
  }
  // Pack chunks left to right while their readable widths fit. A building whose bands do not all fit
  // in what is left of a page, but would on a fresh one, starts the next page (never split needlessly).
  const pages: Chunk[][] = [];
  let current: Chunk[] = [];
  let used = 0;
  const widthOf = (c: Chunk): number => panelWidth(columnsOf(c), minTileW, metrics);
  for (const c of chunks) {
    const w = widthOf(c);
    const whole =
      c.band === 0
        ? chunks
            .filter((x) => x.building.id === c.building.id)
            .reduce((n, x) => n + widthOf(x) + metrics.gap, -metrics.gap)
        : w;
    const room = input.width - used - (current.length > 0 ? metrics.gap : 0);
    const startFresh = current.length > 0 && (w > room || (whole > room && whole <= input.width));
    if (startFresh) {
      pages.push(current);
      current = [];
      used = 0;
    }
    used += (current.length > 0 ? metrics.gap : 0) + w;
    current.push(c);
  }
  if (current.length > 0) pages.push(current);
  return finish(
    pages.map((p) => sizePage(p, metrics, chars)),
    readableFontPx,
    metrics,
  );
}

interface Metrics {
  width: number;
  gap: number;
  head: number;
  pad: number;
  /** Height left for the rows of a panel. */
  gridHeight: number;
}

interface Chunk {
  building: BoardBuildingShape;
  rowFrom: number;
  rowTo: number;
  colFrom: number;
  colTo: number;
  band: number;
  bands: number;
}

/** `n` split into the fewest even bands of at most `max`: [from, to) pairs. */
function split(n: number, max: number): [number, number][] {
  const count = Math.ceil(n / max);
  const per = Math.ceil(n / count);
  return Array.from({ length: count }, (_, i) => [i * per, Math.min(n, (i + 1) * per)]);
}

const columnsOf = (c: Chunk): number => c.colTo - c.colFrom;

function metricsOf(input: BoardLayoutInput): Metrics {
  const gap = Math.max(2, input.screenHeight * GAP_FRACTION);
  const head = input.screenHeight * HEAD_FRACTION;
  const pad = input.screenHeight * PAD_FRACTION;
  return { width: input.width, gap, head, pad, gridHeight: Math.max(1, input.height - head - pad) };
}

/** Width of a panel of `columns` tiles of width `tileW`: the floor label column, gaps and padding. */
function panelWidth(columns: number, tileW: number, m: Metrics): number {
  return (columns + LABEL_COLUMNS) * tileW + columns * m.gap + m.pad;
}

/** Tiles as large as the page allows: the width shared by the panels, each panel's rows filling its height. */
function sizePage(chunks: readonly Chunk[], m: Metrics, chars: number): BoardPage {
  const columns = chunks.reduce((n, c) => n + columnsOf(c) + LABEL_COLUMNS, 0);
  const fixed = chunks.reduce((n, c) => n + columnsOf(c) * m.gap + m.pad, 0) + (chunks.length - 1) * m.gap;
  const maxRows = Math.max(...chunks.map((c) => c.rowTo - c.rowFrom));
  const baseH = (m.gridHeight - (maxRows - 1) * m.gap) / maxRows;
  let tileW = Math.max(1, (m.width - fixed) / columns);
  // Few columns on a wide screen: tiles stay tiles (the panels are centred), not bars.
  tileW = Math.min(tileW, baseH * MAX_WIDE);
  const fontPx = Math.max(0, Math.min(baseH * FONT_OF_HEIGHT, (tileW * TEXT_FILL) / (chars * GLYPH_WIDTH)));
  const panels = chunks.map((c): BoardPanel => {
    const rows = c.rowTo - c.rowFrom;
    const fill = (m.gridHeight - (rows - 1) * m.gap) / rows;
    return {
      buildingId: c.building.id,
      rowFrom: c.rowFrom,
      rowTo: c.rowTo,
      colFrom: c.colFrom,
      colTo: c.colTo,
      band: c.band,
      bands: c.bands,
      width: panelWidth(columnsOf(c), tileW, m),
      tileHeight: Math.max(baseH, Math.min(fill, tileW * MAX_TALL)),
    };
  });
  return {
    panels,
    tileWidth: tileW,
    fontPx,
    floorFontPx: Math.min(fontPx * 0.8, tileW * LABEL_COLUMNS * 0.48),
    labelWidth: tileW * LABEL_COLUMNS,
  };
}

function finish(pages: BoardPage[], readableFontPx: number, m: Metrics): BoardLayout {
  const minFontPx = pages.length === 0 ? 0 : Math.min(...pages.map((p) => p.fontPx));
  return { pages, minFontPx, readableFontPx, gapPx: m.gap, headPx: m.head, padPx: m.pad };
}
