/**
 * The dashboard's chart options, from the dashboard model (pure: the model, the language, the time
 * zone and the text size in, an ECharts option out). Sizes scale with the screen: `px` is the base
 * text size the page computed from its width, so a 4K second screen gets big type, not a tiny island.
 */
import { formatYuan, wallClock, type Dashboard, type DashboardSlice, type Locale } from '@kaipan/shared';
import type { ChartOption } from './echart';

/** The palette of the dark dashboard: sold is the red of 已认购 on every screen. */
export const COLORS = {
  sold: '#e5484d',
  unsold: '#334155',
  line: '#f5b94a',
  bar: '#4c9aff',
  text: '#cbd5e1',
  muted: '#7b8aa3',
  grid: '#1f2a3d',
  methods: ['#4c9aff', '#3fb68b', '#f5b94a', '#a78bfa', '#f97583', '#5bc0de', '#94a3b8'],
};

export interface ChartText {
  locale: Locale;
  timeZone: string;
  /** Base text size, px. */
  px: number;
  sold: string;
  unsold: string;
  subscriptions: string;
  methodLabel: (method: string) => string;
}

const axisLabel = (c: ChartText) => ({ color: COLORS.text, fontSize: c.px });
const tooltip = (c: ChartText) =>
  ({
    renderMode: 'richText',
    backgroundColor: '#0b1220',
    borderColor: '#334155',
    textStyle: { color: '#e2e8f0', fontSize: c.px },
  }) as const;

/** A short amount for chart labels: 400.1万 / 1.23亿; ¥4.0M / ¥1.2B. */
export function shortMoney(fen: number, locale: Locale): string {
  const yuan = fen / 100;
  if (locale === 'en')
    return yuan >= 1e9 ? `¥${(yuan / 1e9).toFixed(2)}B` : `¥${(yuan / 1e6).toFixed(yuan >= 1e8 ? 0 : 1)}M`;
  return yuan >= 1e8 ? `${(yuan / 1e8).toFixed(2)}亿` : `${(yuan / 1e4).toFixed(yuan >= 1e7 ? 0 : 1)}万`;
}

/** "09:31" in the project's zone. */
function hhmm(iso: string, timeZone: string): string {
  const w = wallClock(iso, timeZone);
  return `${w.hour}:${w.minute}`;
}

/** Subscriptions per minute (bars) and the running total (line, right axis). */
export function perMinuteOption(d: Pick<Dashboard, 'perMinute'>, c: ChartText): ChartOption {
  const minutes = d.perMinute.minutes;
  let running = 0;
  const cumulative = minutes.map((m) => (running += m.count));
  return {
    animationDuration: 300,
    animationDurationUpdate: 300,
    grid: { left: c.px * 3, right: c.px * 3.5, top: c.px * 2.2, bottom: c.px * 2.2 },
    tooltip: { ...tooltip(c), trigger: 'axis' },
    legend: {
      top: 0,
      right: 0,
      textStyle: { color: COLORS.text, fontSize: c.px },
      itemWidth: c.px,
      itemHeight: c.px * 0.7,
    },
    xAxis: {
      type: 'category',
      data: minutes.map((m) => hhmm(m.at, c.timeZone)),
      axisLabel: { ...axisLabel(c), hideOverlap: true },
      axisLine: { lineStyle: { color: COLORS.grid } },
    },
    yAxis: [
      { type: 'value', minInterval: 1, axisLabel: axisLabel(c), splitLine: { lineStyle: { color: COLORS.grid } } },
      { type: 'value', minInterval: 1, axisLabel: axisLabel(c), splitLine: { show: false } },
    ],
    series: [
      {
        name: c.subscriptions,
        type: 'bar',
        data: minutes.map((m) => m.count),
        itemStyle: { color: COLORS.bar },
        barMaxWidth: c.px * 2,
      },
      {
        name: c.locale === 'en' ? 'Total' : '累计',
        type: 'line',
        yAxisIndex: 1,
        data: cumulative,
        showSymbol: false,
        smooth: true,
        lineStyle: { color: COLORS.line, width: Math.max(2, c.px / 6) },
        itemStyle: { color: COLORS.line },
      },
    ],
  };
}

/** Sold and unsold (released) units of each slice, stacked; the label is the sell-through. */
export function sliceOption(slices: readonly DashboardSlice[], c: ChartText, horizontal: boolean): ChartOption {
  const label = (s: DashboardSlice) => (c.locale === 'en' ? s.labelEn : s.label);
  const pct = (s: DashboardSlice) => (s.released === 0 ? '—' : `${Math.round((s.sold / s.released) * 100)}%`);
  const categories = {
    type: 'category' as const,
    // Under a column, "A 3室2厅2卫" on two lines: codes side by side never overlap.
    data: slices.map((s) => (horizontal ? label(s) : label(s).replace(' ', '\n'))),
    axisLabel: { ...axisLabel(c), interval: 0 },
    axisLine: { lineStyle: { color: COLORS.grid } },
  };
  const values = {
    type: 'value' as const,
    minInterval: 1,
    splitNumber: 4,
    axisLabel: { ...axisLabel(c), hideOverlap: true },
    splitLine: { lineStyle: { color: COLORS.grid } },
  };
  const unsoldLabel = {
    show: true,
    position: horizontal ? ('right' as const) : ('top' as const),
    color: COLORS.text,
    fontSize: c.px,
    formatter: (p: { dataIndex: number }) => pct(slices[p.dataIndex]!),
  };
  return {
    animationDuration: 300,
    animationDurationUpdate: 300,
    grid: {
      left: c.px * 0.5,
      right: c.px * (horizontal ? 3.5 : 1),
      top: c.px * 2.4,
      bottom: c.px * 0.5,
      containLabel: true,
    },
    tooltip: { ...tooltip(c), trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: {
      top: 0,
      right: 0,
      textStyle: { color: COLORS.text, fontSize: c.px },
      itemWidth: c.px,
      itemHeight: c.px * 0.7,
    },
    xAxis: horizontal ? values : categories,
    yAxis: horizontal ? categories : values,
    series: [
      {
        name: c.sold,
        type: 'bar',
        stack: 'u',
        data: slices.map((s) => s.sold),
        itemStyle: { color: COLORS.sold },
        barMaxWidth: c.px * 3,
      },
      {
        name: c.unsold,
        type: 'bar',
        stack: 'u',
        data: slices.map((s) => s.released - s.sold),
        itemStyle: { color: COLORS.unsold },
        barMaxWidth: c.px * 3,
        label: unsoldLabel,
      },
    ],
  };
}

/** A ranking as horizontal bars, best on top: units sold, the amount in the label. */
export function rankingOption(
  rows: readonly { name: string; units: number; amountFen: number }[],
  c: ChartText,
  max: number,
): ChartOption {
  const top = rows.slice(0, max).reverse(); // ECharts draws the first category at the bottom
  return {
    animationDuration: 300,
    animationDurationUpdate: 300,
    grid: { left: c.px * 0.5, right: c.px * 7.5, top: c.px * 0.5, bottom: c.px * 0.5, containLabel: true },
    tooltip: { ...tooltip(c), trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
    yAxis: {
      type: 'category',
      data: top.map((r) => r.name),
      axisLabel: axisLabel(c),
      axisLine: { lineStyle: { color: COLORS.grid } },
      axisTick: { show: false },
    },
    series: [
      {
        name: c.sold,
        type: 'bar',
        data: top.map((r) => r.units),
        itemStyle: { color: COLORS.sold, borderRadius: [0, 4, 4, 0] },
        barMaxWidth: c.px * 1.6,
        label: {
          show: true,
          position: 'right',
          color: COLORS.text,
          fontSize: c.px,
          formatter: (p: { dataIndex: number }) => {
            const r = top[p.dataIndex]!;
            return `${r.units} · ${shortMoney(r.amountFen, c.locale)}`;
          },
        },
      },
    ],
  };
}

/** Deposits by payment method: a ring, the amount per method in the legend. */
export function depositsOption(d: Dashboard, c: ChartText): ChartOption {
  const data = d.deposits.byMethod.map((m, i) => ({
    name: c.methodLabel(m.method),
    value: m.amountFen,
    itemStyle: { color: COLORS.methods[i % COLORS.methods.length] },
  }));
  return {
    animationDuration: 300,
    animationDurationUpdate: 300,
    tooltip: {
      ...tooltip(c),
      trigger: 'item',
      formatter: (p: unknown) => {
        const item = p as { name: string; value: number; percent: number };
        return `${item.name}\n${formatYuan(item.value, c.locale)} (${item.percent}%)`;
      },
    },
    legend: {
      bottom: 0,
      left: 'center',
      textStyle: { color: COLORS.text, fontSize: c.px },
      itemWidth: c.px,
      itemHeight: c.px * 0.7,
      formatter: (name: string) => {
        const m = data.find((x) => x.name === name);
        return m ? `${name} ${shortMoney(m.value, c.locale)}` : name;
      },
    },
    series: [
      {
        type: 'pie',
        radius: ['42%', '68%'],
        center: ['50%', '44%'],
        label: { show: false },
        data,
      },
    ],
  };
}
