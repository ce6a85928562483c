/**
 * Figures side by side: `typegrad/plot` draws one chart per figure; a picture with a loss curve
 * next to a path needs two. Each figure's SVG is nested in a translated group, its `id`s
 * prefixed per panel so the clip paths of one chart never clip another.
 *
 * @since 0.1.0
 */
import type { Figure } from "../src/plot.js"

const escapeXml = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)

/** `figures` in a row, under an optional overall `title`. */
export const sideBySide = (figures: ReadonlyArray<Figure>, title?: string): Figure => {
  const top = title === undefined ? 0 : 36
  const width = figures.reduce((w, f) => w + f.width, 0)
  const height = top + Math.max(...figures.map((f) => f.height))
  let x = 0
  const body = figures.map((f, i) => {
    const svg = f.svg
      .replace(/\bid="([^"]+)"/g, `id="p${i}-$1"`)
      .replace(/url\(#([^)]+)\)/g, `url(#p${i}-$1)`)
      .replace(/href="#([^"]+)"/g, `href="#p${i}-$1"`)
    const g = `<g transform="translate(${x} ${top})">\n${svg}\n</g>`
    x += f.width
    return g
  })
  const heading =
    title === undefined
      ? []
      : [
          `<text x="${width / 2}" y="24" font-family="DejaVu Sans, Verdana, sans-serif" font-size="17" font-weight="bold" text-anchor="middle">${escapeXml(title)}</text>`,
        ]
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...heading,
    ...body,
    "</svg>",
  ].join("\n")
  return { svg, width, height }
}
