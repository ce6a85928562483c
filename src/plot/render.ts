/**
 * Figures to files: SVG as text, PNG through resvg (a Rust SVG renderer shipped prebuilt in its
 * npm package). Writing goes through Effect's platform `FileSystem` service; the Promise twins
 * provide Node's implementation. Text needs a font: the bundled DejaVu Sans when installed,
 * else the system's fonts.
 *
 * @since 0.1.0
 */
import { Effect, FileSystem } from "effect"
import type { PlatformError } from "effect/PlatformError"
import { PlotError } from "../errors.js"
import type { Figure } from "./svg.js"

/**
 * Options of the PNG renderer.
 * @example
 * import { Effect } from "effect"
 * import { lines, toPng, type PngOptions } from "typegrad/plot"
 * const retina: PngOptions = { scale: 2 }
 * await Effect.runPromise(toPng(lines({ y: [1, 2, 3] }), retina)) // 1120 × 800 pixels
 * @since 0.1.0
 * @category plotting
 */
export interface PngOptions {
  /** pixels per SVG unit (default 1: the figure's width × height) */
  readonly scale?: number
}

/** The bundled DejaVu Sans (regular and bold), when the font package is installed (Node only, hence loaded lazily). */
const bundledFonts = (): Promise<string[] | undefined> =>
  import("node:module")
    .then(({ createRequire }) => {
      const require = createRequire(import.meta.url)
      return ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`))
    })
    .catch(() => undefined)

/**
 * Render a figure to PNG bytes (an Effect; fails with `PlotError` when `@resvg/resvg-js` is
 * missing or the SVG cannot be rendered).
 *
 * @example
 * import { Effect } from "effect"
 * import { heatmap, toPng } from "typegrad/plot"
 * const png = await Effect.runPromise(toPng(heatmap([[0, 1], [2, 3]])))
 * png.length > 0 // true
 * @since 0.1.0
 * @category plotting
 */
export const toPng = (figure: Figure, options: PngOptions = {}): Effect.Effect<Uint8Array, PlotError> =>
  Effect.gen(function* () {
    const { Resvg } = yield* Effect.tryPromise({
      try: () => import("@resvg/resvg-js"),
      catch: (e) =>
        new PlotError({
          op: "toPng",
          message: `toPng: the PNG renderer @resvg/resvg-js could not be loaded (install it next to typegrad): ${String(e)}`,
        }),
    })
    const fonts = yield* Effect.promise(bundledFonts)
    return yield* Effect.try({
      try: () => {
        const r = new Resvg(figure.svg, {
          fitTo: { mode: "width", value: Math.round(figure.width * (options.scale ?? 1)) },
          font:
            fonts === undefined
              ? { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" }
              : { loadSystemFonts: false, fontFiles: fonts, defaultFontFamily: "DejaVu Sans" },
        })
        return new Uint8Array(r.render().asPng())
      },
      catch: (e) =>
        new PlotError({
          op: "toPng",
          message: `toPng: resvg could not render the ${figure.width} × ${figure.height} figure: ${String(e)}`,
        }),
    })
  })

/** The folder part of a path ("" for a bare file name). */
const dirOf = (path: string): string => {
  const i = Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))
  return i <= 0 ? "" : path.slice(0, i)
}

const writeBytes = (path: string, bytes: Uint8Array): Effect.Effect<void, PlatformError, FileSystem.FileSystem> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const dir = dirOf(path)
    if (dir !== "") yield* fs.makeDirectory(dir, { recursive: true })
    yield* fs.writeFile(path, bytes)
  })

/**
 * Render a figure to PNG and write it to `path`, creating missing folders (an Effect needing the
 * platform `FileSystem`).
 *
 * @example
 * import { Effect } from "effect"
 * import { NodeFileSystem } from "@effect/platform-node-shared"
 * import { heatmap, writePng } from "typegrad/plot"
 * await Effect.runPromise(writePng(heatmap([[0, 1], [2, 3]]), "out/tiny.png").pipe(Effect.provide(NodeFileSystem.layer)))
 * @since 0.1.0
 * @category plotting
 */
export const writePng = (
  figure: Figure,
  path: string,
  options: PngOptions = {},
): Effect.Effect<void, PlotError | PlatformError, FileSystem.FileSystem> =>
  Effect.flatMap(toPng(figure, options), (png) => writeBytes(path, png))

/**
 * Write a figure's SVG text to `path`, creating missing folders (an Effect needing `FileSystem`).
 *
 * @example
 * import { Effect } from "effect"
 * import { NodeFileSystem } from "@effect/platform-node-shared"
 * import { lines, writeSvg } from "typegrad/plot"
 * await Effect.runPromise(writeSvg(lines({ y: [3, 1, 2] }), "out/tiny.svg").pipe(Effect.provide(NodeFileSystem.layer)))
 * @since 0.1.0
 * @category plotting
 */
export const writeSvg = (figure: Figure, path: string): Effect.Effect<void, PlatformError, FileSystem.FileSystem> =>
  writeBytes(path, new TextEncoder().encode(figure.svg))

/** Run a file effect with Node's FileSystem. */
const onNode = <E>(effect: Effect.Effect<void, E, FileSystem.FileSystem>): Promise<void> =>
  import("@effect/platform-node-shared/NodeFileSystem").then((NodeFileSystem) =>
    Effect.runPromise(Effect.provide(effect, NodeFileSystem.layer)),
  )

/**
 * {@link writePng} as a Promise, on Node's file system. Rejects with `PlotError` or the
 * platform's error.
 *
 * @example
 * import { heatmap, savePng } from "typegrad/plot"
 * await savePng(heatmap([[0, 1], [2, 3]], { cmap: "hot" }), "out/tiny.png")
 * @since 0.1.0
 * @category plotting
 */
export const savePng = (figure: Figure, path: string, options: PngOptions = {}): Promise<void> => onNode(writePng(figure, path, options))

/**
 * {@link writeSvg} as a Promise, on Node's file system.
 *
 * @example
 * import { lines, saveSvg } from "typegrad/plot"
 * await saveSvg(lines({ y: [3, 1, 2] }), "out/tiny.svg")
 * @since 0.1.0
 * @category plotting
 */
export const saveSvg = (figure: Figure, path: string): Promise<void> => onNode(writeSvg(figure, path))
