/**
 * @polytensor/trainlog: record training (scalars and histograms) as JSON lines,
 * render it as SVG plots in an HTML report, or as a compact terminal view.
 */
export {
  histogramOf,
  toJsonLines,
  parseJsonLines,
  runsOf,
  scalarSeries,
  isScalar,
  isHistogram,
  isMeta,
  type LogRecord,
  type MetaRecord,
  type ScalarRecord,
  type HistogramRecord,
  type HistogramStats,
  type HistogramKind,
} from './records.js';
export { MemoryWriter, JsonLinesWriter, readJsonLines, openLog, type LogWriter } from './writer.js';
export { TrainingLog, type TrainingLogOptions, type HistogramSchedule } from './callback.js';
export {
  lineChartSpec,
  scalarChartSpec,
  histogramChartSpec,
  layerStatsSpec,
  renderSvg,
  type Point,
  type LineChartOptions,
  type ScalarChartOptions,
  type HistogramChartOptions,
  type LayerStatsOptions,
  type TopLevelSpec,
} from './plots.js';
export { renderReport, type ReportOptions } from './report.js';
export { terminalView, sparkline, type TerminalViewOptions } from './terminal.js';
