/**
 * `npm run demo`: the six scenarios of the tutorial (docs/tutorial.md), in order, on the best
 * device found, each reporting as it goes, then a summary table (scenario, device, time, result,
 * file written):
 *
 * 1. data as device-portable currency (data-portable.ts),
 * 2. `A @ B` for two random 1024 × 1024 matrices, in GFLOP/s (matmul-bench.ts),
 * 3. the heat plate → `heat.png` (heat-plot.ts),
 * 4. autograd, dy/dx of x² at 3 (autograd.ts),
 * 5. the logistics centre with Adam → `facility.png` (facility-adam.ts),
 * 6. the Conv → BN → ReLU block and the perception pipeline trained with `fit` → `training.png`
 *    (training.ts).
 *
 * `npm run demo -- --out <dir>` writes the pictures to `<dir>` (default `out/`);
 * `TYPEGRAD_DEVICE=cpu` skips the WebGPU probe, `TYPEGRAD_DEVICE=webgpu` takes a software adapter too.
 *
 * @since 0.1.0
 */
import Table from "cli-table3"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { parseArgs } from "node:util"
import * as tg from "../src/index.js"
import { derivativeOn } from "./autograd.js"
import { main as portable, type Portable } from "./data-portable.js"
import { main as facility, type FacilityPlot } from "./facility-adam.js"
import { main as heatPlot, type HeatPlot } from "./heat-plot.js"
import { main as matmul, type MatmulBench } from "./matmul-bench.js"
import { main as training, type Training } from "./training.js"

/** One line of the summary table. */
export interface ScenarioRow {
  readonly scenario: string
  /** the kind of device it ran on: `cpu` or `webgpu` */
  readonly device: string
  readonly ms: number
  readonly result: string
  /** the file written, if any */
  readonly file?: string
}

/** Settings of the demo. */
export interface DemoOptions {
  /** where the three PNGs go (default `out`) */
  readonly outDir?: string
  /** receives each line of the report (default `console.log`) */
  readonly log?: (line: string) => void
  /** `fit`'s progress in scenario 6 (default: stderr, a live bar on a terminal); `false` for none */
  readonly progress?: tg.ProgressStream | false
  /** the size of the matrices of scenario 2 (default 1024) */
  readonly n?: number
}

/** What one run of the demo measured and wrote. */
export interface DemoResult {
  /** the device's full name */
  readonly device: string
  /** why it was chosen */
  readonly reason: string
  readonly rows: ReadonlyArray<ScenarioRow>
  /** the summary table as printed */
  readonly table: string
  readonly portable: Portable
  readonly matmul: MatmulBench
  readonly heat: HeatPlot
  readonly autograd: { readonly x: number; readonly y: number; readonly dydx: number }
  readonly facility: FacilityPlot
  readonly training: Training
}

/** The scenarios' names, as the table shows them. */
export const SCENARIOS = [
  "Data as device-portable currency",
  "A @ B, random matrices",
  "Heat plate, 100 × 100, 500 steps",
  "Autograd: y = x² at x = 3",
  "Logistics centre, Adam(0.1)",
  "Conv → BN → ReLU and perception, fit",
] as const

/** Milliseconds as the table prints them. */
export const formatMs = (ms: number): string => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`)

/** The summary table (cli-table3, no colours, so it reads the same in a log file). */
export const summaryTable = (rows: ReadonlyArray<ScenarioRow>): string => {
  const table = new Table({ head: ["#", "scenario", "device", "time", "result", "file"], style: { head: [], border: [] } })
  rows.forEach((r, i) => table.push([String(i + 1), r.scenario, r.device, formatMs(r.ms), r.result, r.file ?? "–"]))
  return table.toString()
}

/** Run the six scenarios on the best device; `log` receives each line of the report. */
export const main = async (options: DemoOptions = {}): Promise<DemoResult> => {
  const log = options.log ?? console.log,
    outDir = options.outDir ?? "out"
  // the examples announce their device; here the demo does, once
  const sub = (line: string) => (line.startsWith("device: ") ? undefined : log(`    ${line}`))
  const picked = await tg.bestDevice()
  const device = picked.device
  log(`device: ${picked.reason}`)
  const rows: ScenarioRow[] = []
  const scenario = async <A>(run: () => Promise<A>, summary: (a: A) => { readonly result: string; readonly file?: string }): Promise<A> => {
    const name = SCENARIOS[rows.length]!
    log(`[${rows.length + 1}/${SCENARIOS.length}] ${name}`)
    const t0 = performance.now()
    const a = await run()
    const ms = performance.now() - t0
    const s = summary(a)
    rows.push({ scenario: name, device: device.kind, ms, ...s })
    log(`    done in ${formatMs(ms)}: ${s.result}`)
    return a
  }
  const t0 = performance.now()
  try {
    const p = await scenario(
      () => portable({ device, log: sub }),
      (r) => ({
        result: `column means ${Array.from(r.means, (m) => m.toFixed(2)).join(", ")}`,
      }),
    )
    const n = options.n ?? 1024
    const m = await scenario(
      () => matmul({ n, reps: 2, device, log: sub }),
      (r) => ({
        result: `${r.n} × ${r.n}: ${r.gflops.toFixed(1)} GFLOP/s (${r.msPerProduct.toFixed(1)} ms)`,
      }),
    )
    const h = await scenario(
      () => heatPlot({ path: join(outDir, "heat.png"), device, log: sub }),
      (r) => ({ result: `centre ${r.centre.toFixed(4)}`, file: r.path }),
    )
    const a = await scenario(
      async () => {
        const r = await derivativeOn(device, 3)
        sub(`x = ${r.x}, y = x² = ${r.y}, dy/dx = ${r.dydx}`)
        return r
      },
      (r) => ({ result: `y = ${r.y}, dy/dx = ${r.dydx}` }),
    )
    const f = await scenario(
      () => facility({ file: join(outDir, "facility.png"), device, log: sub }),
      (r) => ({
        result: `centre (${r.centre.map((v) => v.toFixed(2)).join(", ")}), distance ${r.distance.toFixed(2)}`,
        file: r.file,
      }),
    )
    const t = await scenario(
      () =>
        training({
          file: join(outDir, "training.png"),
          device,
          log: sub,
          ...(options.progress === undefined ? {} : { progress: options.progress }),
        }),
      (r) => ({
        result: `loss ${r.conv[0]!.toFixed(3)} → ${r.conv.at(-1)!.toFixed(3)}, ${r.perception[0]!.toFixed(3)} → ${r.perception.at(-1)!.toFixed(3)}`,
        file: r.file,
      }),
    )
    const table = summaryTable(rows)
    for (const line of table.split("\n")) log(line)
    log(`all six in ${formatMs(performance.now() - t0)} on ${device.name}`)
    return {
      device: device.name,
      reason: picked.reason,
      rows,
      table,
      portable: p,
      matmul: m,
      heat: h,
      autograd: a,
      facility: f,
      training: t,
    }
  } finally {
    picked.release()
  }
}

/** The command line: `--out <dir>` (`-o`) and `--help` (`-h`). */
export const parseCli = (args: ReadonlyArray<string>): { readonly help: boolean; readonly options: DemoOptions } => {
  const { values } = parseArgs({ args: [...args], options: { out: { type: "string", short: "o" }, help: { type: "boolean", short: "h" } } })
  return { help: values.help === true, options: values.out === undefined ? {} : { outDir: values.out } }
}

/** What `--help` prints. */
export const USAGE =
  "usage: npm run demo [-- --out <dir>]   (the PNGs go to <dir>, default out/; TYPEGRAD_DEVICE=cpu|webgpu picks the device)"

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cli = parseCli(process.argv.slice(2))
  if (cli.help) console.log(USAGE)
  else await main(cli.options)
}
