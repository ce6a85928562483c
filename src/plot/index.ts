/**
 * Plotting: heat maps and line/scatter charts as SVG figures, written as SVG or PNG files.
 *
 * @since 0.1.0
 */
export { colorAt, colormaps, type Colormap, type ColormapName, type Rgb } from "./colormap.js"
export { heatmap, type Grid, type HeatmapOptions } from "./heatmap.js"
export { lines, type LinesOptions, type Series } from "./lines.js"
export { savePng, saveSvg, toPng, writePng, writeSvg, type PngOptions } from "./render.js"
export type { Figure } from "./svg.js"
