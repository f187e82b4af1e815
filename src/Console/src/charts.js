// The console's charts, all uPlot (src/Console/package.json): a chart is made once per view and then
// given new data on each refresh (setData), so live updates do not rebuild the canvas.
import uPlot from "./vendor/uPlot.esm.js";

const palette = { suspicion: "#c0392b", level: "#2c3e50", w: "#2471a3", threshold: "#7f8c8d", rate: "#b9770e", bars: "#5d6d7e", fit: "#c0392b" };
// Counts of clients are whole numbers: the axis never marks 0.5 of one.
const wholeSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
const width = (container) => Math.max(320, Math.min(container.clientWidth || 560, 720));

function make(container, options, data) {
  const chart = new uPlot({ width: width(container), height: 200, ...options }, data, container);
  return { update: (next) => chart.setData(next), chart };
}

/** Suspicion (0–1, left axis) and level (rung, right axis, stepped) over time. */
export function suspicionChart(container) {
  return make(container, {
    title: "Suspicion and level",
    scales: { x: { time: true }, s: { range: [0, 1] }, l: { range: (_, min, max) => [0, Math.max(max, 3)] } },
    axes: [{}, { scale: "s", label: "suspicion" }, { scale: "l", side: 1, grid: { show: false }, label: "level" }],
    series: [
      {},
      { label: "suspicion", scale: "s", stroke: palette.suspicion, width: 2, points: { show: true } },
      { label: "level", scale: "l", stroke: palette.level, width: 2, paths: uPlot.paths.stepped({ align: 1 }), points: { show: true } },
    ],
  }, [[], [], []]);
}

/** PRADA's W over time against its threshold δ, and the low-confidence rate. */
export function wChart(container) {
  return make(container, {
    title: "PRADA's W and low-confidence rate",
    scales: { x: { time: true }, y: { range: [0, 1] } },
    series: [
      {},
      { label: "W", stroke: palette.w, width: 2, points: { show: true } },
      { label: "δ (threshold)", stroke: palette.threshold, dash: [6, 4], points: { show: false } },
      { label: "low-confidence rate", stroke: palette.rate, width: 1, points: { show: true } },
    ],
  }, [[], [], [], []]);
}

/** The recent distances' histogram (bars) against the normal distribution fitted to them (line). */
export function histogramChart(container) {
  return make(container, {
    title: "Recent distances against their normal fit",
    // Half a bin of room at each end, so the outer bars are drawn whole.
    scales: { x: { time: false, range: (u, min, max) => { const half = (max - min) / Math.max(1, u.data[0].length - 1) / 2 || 0.5; return [min - half, max + half]; } } },
    axes: [{ label: "distance" }, { label: "count" }],
    series: [
      { label: "distance", value: (_, v) => (v == null ? "" : v.toFixed(3)) },
      { label: "count", stroke: palette.bars, fill: "rgba(93,109,126,0.35)", paths: uPlot.paths.bars({ size: [0.95, 100] }), points: { show: false } },
      { label: "normal fit", stroke: palette.fit, width: 2, points: { show: false } },
    ],
  }, [[], [], []]);
}

/** Inputs per minute over the last hour. */
export function queriesChart(container) {
  return make(container, {
    title: "Queries per minute",
    scales: { x: { time: true } },
    series: [{}, { label: "inputs", stroke: palette.w, fill: "rgba(36,113,163,0.2)", width: 2, points: { show: false } }],
  }, [[], []]);
}

/** Clients per level, as bars over the rungs of the tenant's ladder. */
export function levelsChart(container, names) {
  return make(container, {
    title: "Clients per level",
    scales: { x: { time: false, range: (_, min, max) => [min - 0.5, max + 0.5] } },
    axes: [{ values: (_, ticks) => ticks.map((t) => names[t] ?? ""), splits: () => names.map((_, i) => i) }, { incrs: wholeSteps }],
    series: [
      { label: "level", value: (_, v) => names[v] ?? "" },
      { label: "clients", stroke: palette.level, fill: "rgba(44,62,80,0.4)", paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } },
    ],
  }, [[], []]);
}

/**
 * Bins the distances (Sturges' rule, at least 5 bins) and scales the fitted normal density to counts,
 * so both share the count axis: the fit's height at a bin is n · width · pdf(centre).
 */
export function histogramData(distances) {
  const n = distances.length;
  if (n < 2) return [[], [], []];
  const mean = distances.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(distances.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const min = Math.min(...distances);
  const max = Math.max(...distances);
  const bins = Math.max(5, Math.ceil(Math.log2(n) + 1));
  const step = (max - min) / bins || 1;
  const centres = Array.from({ length: bins }, (_, i) => min + (i + 0.5) * step);
  const counts = new Array(bins).fill(0);
  for (const d of distances) counts[Math.min(bins - 1, Math.floor((d - min) / step))]++;
  const pdf = (x) => (sd > 0 ? Math.exp(-(((x - mean) / sd) ** 2) / 2) / (sd * Math.sqrt(2 * Math.PI)) : 0);
  return [centres, counts, centres.map((x) => n * step * pdf(x))];
}

export const seconds = (iso) => Date.parse(iso) / 1000;
