/** Every chart of the report, in the order the HTML shows them. */
import type { ReportModel } from '../model.ts';
import { failureRateChart } from './failure-rate.ts';
import { fastPathCostChart } from './fast-path-cost.ts';
import { failureVsReserveChart } from './failure-vs-reserve.ts';
import { violationsHeatmapChart } from './violations-heatmap.ts';
import { timelineChart } from './timeline.ts';
import { simulatorSpeedChart } from './simulator-speed.ts';
import type { ChartDef } from './theme.ts';

export type { ChartDef, VlSpec } from './theme.ts';

export function buildCharts(m: ReportModel): ChartDef[] {
  const charts: (ChartDef | undefined)[] = [failureRateChart(m), fastPathCostChart(m), failureVsReserveChart(m), violationsHeatmapChart(m), timelineChart(m), simulatorSpeedChart(m)];
  return charts.filter((c): c is ChartDef => c !== undefined);
}
