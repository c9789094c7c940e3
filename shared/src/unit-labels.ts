/**
 * A unit's typed facts as a person reads them in either language: orientation 朝向 and the usual
 * room-count layout names (2室2厅1卫).
 *
 * Orientation 朝向 of a unit as a person reads it. The setup area stores it as typed (layouts and
 * imports: 南, 南北, 东南, 南北通透 …) — Chinese in practice — so English screens translate the
 * usual words here and keep anything else as typed (a name we do not know is better shown than lost).
 */

/** Longest first: 东南 is "Southeast", not "East South". */
const WORDS: readonly (readonly [string, string])[] = [
  ['南北通透', 'North–south through'],
  ['东西通透', 'East–west through'],
  ['东南', 'Southeast'],
  ['西南', 'Southwest'],
  ['东北', 'Northeast'],
  ['西北', 'Northwest'],
  ['南北', 'North–south'],
  ['东西', 'East–west'],
  ['通透', 'through'],
  ['东', 'East'],
  ['南', 'South'],
  ['西', 'West'],
  ['北', 'North'],
];

/** 朝 (facing) and 向 add nothing in English; separators become ", ". */
const FILLER = /[朝向]/g;
const SEPARATORS = /\s*[、，,/／;；·]\s*/;

/**
 * The orientation in `locale`: as stored for zh-CN; for en each part translated word by word
 * ("南" → "South", "东南、西北" → "Southeast, Northwest", "朝南" → "South"), a part with any word
 * we do not know left as typed.
 */
export function orientationLabel(orientation: string, locale: 'zh-CN' | 'en'): string {
  const text = orientation.trim();
  if (locale !== 'en' || text === '') return text;
  return text
    .split(SEPARATORS)
    .filter((part) => part !== '')
    .map((part) => translatePart(part.replace(FILLER, '')) ?? part)
    .join(', ');
}

function translatePart(part: string): string | null {
  const words: string[] = [];
  let rest = part;
  while (rest.length > 0) {
    const hit = WORDS.find(([zh]) => rest.startsWith(zh));
    if (!hit) return /^[\x20-\x7e]+$/.test(rest) && words.length === 0 ? rest : null;
    words.push(hit[1]);
    rest = rest.slice(hit[0].length);
  }
  return words.length > 0 ? words.join(' ') : null;
}

const ROOMS: Readonly<Record<string, string>> = { 室: 'bed', 房: 'bed', 厅: 'living', 厨: 'kitchen', 卫: 'bath' };
const ROOM_NAME = /^(\s*\d+\s*[室房厅厨卫])+\s*$/;

/**
 * A layout 户型 name in `locale`: as stored for zh-CN; in English a room-count name is spelled out
 * ("2室2厅1卫" → "2 bed · 2 living · 1 bath"), any other name kept as typed (give the layout an
 * English name in the setup area).
 */
export function layoutNameLabel(name: string, locale: 'zh-CN' | 'en'): string {
  if (locale !== 'en' || !ROOM_NAME.test(name)) return name;
  return [...name.matchAll(/(\d+)\s*([室房厅厨卫])/g)].map((m) => `${m[1]} ${ROOMS[m[2]!]}`).join(' · ');
}
