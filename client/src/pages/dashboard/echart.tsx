/**
 * One ECharts chart in a Solid component. Only the chart types and components the dashboard uses are
 * registered (echarts/core), so the page's chunk stays small; the page itself is lazy-loaded.
 * The canvas renderer and canvas-drawn tooltips (`renderMode: 'richText'`): an HTML tooltip writes
 * inline style attributes, which the Content-Security-Policy (style-src 'self') refuses.
 */
import { createEffect, onCleanup, onMount, type JSX } from 'solid-js';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import {
  BarChart,
  LineChart,
  PieChart,
  type BarSeriesOption,
  type LineSeriesOption,
  type PieSeriesOption,
} from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The options the dashboard's charts may use (type-checked against the registered parts). */
export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

/** A chart filling its box; `option` is applied again (merged, animated) whenever it changes. */
export function EChart(props: { option: ChartOption; label: string; class?: string }): JSX.Element {
  let box!: HTMLDivElement;
  let chart: ECharts | undefined;
  onMount(() => {
    chart = init(box, undefined, { renderer: 'canvas' });
    // The box follows the grid (window resize, full screen, 4K): redraw at its new size.
    const observer = new ResizeObserver(() => chart?.resize());
    observer.observe(box);
    onCleanup(() => {
      observer.disconnect();
      chart?.dispose();
      chart = undefined;
    });
  });
  createEffect(() => {
    const option = props.option;
    // Merged into the chart: bars move from the old figures to the new ones instead of growing from
    // zero at every refresh. Each chart's options keep the same series; arrays replace the old ones.
    chart?.setOption(option, { lazyUpdate: true });
  });
  return <div ref={box} class={`echart ${props.class ?? ''}`} role="img" aria-label={props.label} />;
}
