/** Inline-SVG charts of the bench report. */
export { BarChart, type Bar } from "./bar.js";
export { fmt, niceTicks, PALETTE } from "./common.js";
export { Histogram } from "./histogram.js";
export { LineChart, type Series } from "./line.js";
