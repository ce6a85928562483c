/**
 * `typegrad/plot`: heat maps and line charts of tensors as SVG, and PNG files through resvg. A
 * separate entry point, so `typegrad` itself loads no rendering code; it needs the optional
 * packages `d3-scale`, `fast-png` and (for PNG) `@resvg/resvg-js`.
 *
 * @example
 * import { heatmap, savePng } from "typegrad/plot"
 * await savePng(heatmap([[0, 1], [2, 3]], { cmap: "hot", title: "tiny" }), "out/tiny.png")
 * @since 0.1.0
 */
export * from "./plot/index.js"
