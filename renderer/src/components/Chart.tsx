import { BarChart, HeatmapChart, LineChart, SankeyChart } from 'echarts/charts';
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Theme } from '../app-context';

// Only the chart types and parts the views draw are bundled (all of ECharts is ~1 MB more).
echarts.use([
  BarChart,
  LineChart,
  HeatmapChart,
  SankeyChart,
  TitleComponent,
  VisualMapComponent,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DatasetComponent,
  CanvasRenderer,
]);

/**
 * An ECharts chart that follows the app's theme and its container's size. The option is a pure
 * function of the data, built by the caller.
 */
export function Chart({
  option,
  theme,
  height = 240,
  label,
  onItemClick,
  onInstance,
}: {
  option: echarts.EChartsCoreOption;
  theme: Theme;
  height?: number;
  label: string;
  /** A data item was clicked: its data object (which may carry what it stands for). */
  onItemClick?: (data: unknown) => void;
  /** The live chart, for exports (PNG). */
  onInstance?: (chart: echarts.ECharts | null) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (element.current === null) return;
    const instance = echarts.init(element.current, theme === 'dark' ? 'dark' : undefined, {
      renderer: 'canvas',
    });
    chart.current = instance;
    onInstance?.(instance);
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
      onInstance?.(null);
    };
    // The instance lives as long as the theme; the click handler is read through a ref.
  }, [theme]);

  const clickRef = useRef(onItemClick);
  clickRef.current = onItemClick;
  useEffect(() => {
    const instance = chart.current;
    if (instance === null) return;
    const handler = (params: { data?: unknown }): void => clickRef.current?.(params.data);
    instance.on('click', handler);
    return () => {
      instance.off('click', handler);
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, true);
  }, [option, theme]);

  return <div ref={element} className="chart" style={{ height }} role="img" aria-label={label} />;
}
