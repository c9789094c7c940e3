/** Display helpers shared by every screen. Money arrives as integer fen, never floats. */

export type Locale = 'zh-CN' | 'en';

/** ¥1,234,567 (whole yuan) or ¥1,234,567.89 when there are cents. */
export function formatYuan(fen: number, locale: Locale = 'zh-CN'): string {
  const yuan = fen / 100;
  const hasCents = fen % 100 !== 0;
  return `¥${yuan.toLocaleString(locale, {
    minimumFractionDigits: hasCents ? 2 : 0,
    maximumFractionDigits: 2,
  })}`;
}

/** Large amounts: 1,234.57万 in Chinese, ¥12.35M in English. */
export function formatBigMoney(fen: number, locale: Locale = 'zh-CN'): string {
  if (locale === 'zh-CN') {
    const wan = fen / 100 / 10_000;
    return `${wan.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}万`;
  }
  const millions = fen / 100 / 1_000_000;
  return `¥${millions.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}M`;
}

/** 89.56 m² */
export function formatArea(m2: number, locale: Locale = 'zh-CN'): string {
  return `${m2.toLocaleString(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} m²`;
}

export function formatPercent(ratio: number, locale: Locale = 'zh-CN'): string {
  return `${(ratio * 100).toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** Time of day in the project's time zone, e.g. 09:30:05. */
export function formatClock(iso: string | number | Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(iso));
}

/** 张三丰 → 张**, Alice Wang → A**** (privacy on public screens). */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length === 0) return '';
  return chars[0] + '*'.repeat(Math.max(1, Math.min(chars.length - 1, 4)));
}

/** The language to start in: a saved choice, else the first zh/en browser language, else zh-CN. */
export function pickLocale(saved: string | null, browserLanguages: readonly string[]): Locale {
  if (saved === 'zh-CN' || saved === 'en') return saved;
  for (const lang of browserLanguages) {
    const l = lang.toLowerCase();
    if (l.startsWith('zh')) return 'zh-CN';
    if (l.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

/** Fill `{name}` placeholders of a message; unknown names stay as written. */
export function interpolate(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}
