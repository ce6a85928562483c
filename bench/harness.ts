/**
 * The CPU suite's shared machinery: timed samples and medians, the load average beside every
 * figure, one row per workload with a value per library and a correctness check, and the markdown
 * table with typegrad's ratios to its best JS peer and to NumPy.
 */
import os from "node:os"

/** `--quick`: fewer repetitions and smaller step counts, for a smoke run. */
export const quick = process.argv.includes("--quick")

/** The columns of the table, in order. */
export const columns = ["typegrad eager", "typegrad jit", "tfjs-cpu", "tfjs-wasm", "tfjs-wasm 2t", "jax-js wasm", "numpy"] as const
export type Column = (typeof columns)[number]
const typegradColumns: ReadonlyArray<Column> = ["typegrad eager", "typegrad jit"]
const jsPeers: ReadonlyArray<Column> = ["tfjs-cpu", "tfjs-wasm", "tfjs-wasm 2t", "jax-js wasm"]

/** A workload's row: a value per library (null: not run), the unit, and what its check said. */
export interface Row {
  readonly label: string
  readonly unit: string
  readonly higherIsBetter: boolean
  readonly values: Partial<Record<Column, number | null>>
  /** how the libraries' results were compared, e.g. "loss within 1e-4 (rel.)" */
  check: string
  /** the load average (1 min) when the row's last library finished */
  load?: number
}

/** The 1-minute load average, as printed beside each figure. */
export const load = (): number => os.loadavg()[0]!

/** The median of `xs`. */
export const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Seconds of each of `reps` timed calls of `f` after `warm` untimed ones. */
export const samples = (reps: number, f: () => void, warm = 1): number[] => {
  for (let i = 0; i < warm; i++) f()
  const out: number[] = []
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now()
    f()
    out.push((performance.now() - t0) / 1000)
  }
  return out
}

/**
 * Median seconds of each of `fs`, timed in turns (f0, f1, f0, f1, …) after `warm` untimed rounds:
 * under a changing load both see the same machine, so their ratio holds where separate runs drift.
 */
export const interleaved = (reps: number, fs: ReadonlyArray<() => void>, warm = 1): number[] => {
  for (let i = 0; i < warm; i++) fs.forEach((f) => f())
  const ts: number[][] = fs.map(() => [])
  for (let r = 0; r < reps; r++)
    fs.forEach((f, k) => {
      const t0 = performance.now()
      f()
      ts[k]!.push((performance.now() - t0) / 1000)
    })
  return ts.map(median)
}

/**
 * Median CPU seconds (this process, all threads) of `reps` calls after `warm` untimed ones. For
 * single-threaded work this is the time the work took however busy the machine is, since a
 * descheduled process is not charged.
 */
export const cpuMedian = (reps: number, f: () => void, warm = 1): number => {
  for (let i = 0; i < warm; i++) f()
  const out: number[] = []
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage()
    f()
    const c = process.cpuUsage(c0)
    out.push((c.user + c.system) / 1e6)
  }
  return median(out)
}

/** The median seconds of `reps` timed calls after one warm-up. */
export const timeMedian = (reps: number, f: () => void, warm = 1): number => median(samples(reps, f, warm))

/** A checked value: |got - want| ≤ tol · max(1, |want|), else an error naming the row and library. */
export const expectClose = (what: string, got: number, want: number, tol: number): void => {
  if (!(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want))))
    throw new Error(`${what}: got ${got}, expected ${want} (tolerance ${tol})`)
}

/** Run one library's part of a row; a library that throws or is unavailable leaves "—" and a note on stderr. */
export const attempt = <T>(what: string, f: () => T): T | null => {
  try {
    return f()
  } catch (e) {
    log(`  ${what}: ${String(e instanceof Error ? e.message : e).slice(0, 300)}`)
    return null
  }
}

/** Progress on stderr (the table goes to stdout). */
export const log = (s: string): void => void process.stderr.write(`${s}\n`)

const fmt = (x: number | null | undefined): string =>
  x == null || !Number.isFinite(x) ? "—" : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toPrecision(2)

const bestOf = (r: Row, cols: ReadonlyArray<Column>): number | null => {
  const xs = cols.map((c) => r.values[c]).filter((x): x is number => x != null && Number.isFinite(x))
  if (xs.length === 0) return null
  return r.higherIsBetter ? Math.max(...xs) : Math.min(...xs)
}
/** typegrad's speed relative to `other` (above 1: typegrad is faster). */
const speedup = (r: Row, t: number | null, other: number | null): string =>
  t === null || other === null ? "—" : `${(r.higherIsBetter ? t / other : other / t).toFixed(2)}×`

/** The markdown table: a column per library, then best typegrad / best JS peer and typegrad / NumPy. */
export const table = (rows: ReadonlyArray<Row>): string => {
  const used = columns.filter((c) => rows.some((r) => r.values[c] != null))
  const lines = [
    `| workload | unit | ${used.join(" | ")} | best typegrad / best JS peer | typegrad / numpy | check | load |`,
    `|---|---|${used.map(() => "---:").join("|")}|---:|---:|---|---:|`,
  ]
  for (const r of rows) {
    const t = bestOf(r, typegradColumns)
    lines.push(
      `| ${r.label} | ${r.unit} | ${used.map((c) => fmt(r.values[c])).join(" | ")} | ${speedup(r, t, bestOf(r, jsPeers))} | ${speedup(r, t, r.values.numpy ?? null)} | ${r.check.replaceAll("|", "\\|")} | ${r.load?.toFixed(1) ?? "—"} |`,
    )
  }
  return lines.join("\n")
}

/** The jit-vs-eager section: every row with both typegrad figures, and a loud marker where jit is slower. */
export const jitSection = (rows: ReadonlyArray<Row>): string => {
  const lines = ["| workload | eager | jit | jit speed-up |", "|---|---:|---:|---:|"]
  const slower: string[] = []
  for (const r of rows) {
    const e = r.values["typegrad eager"],
      j = r.values["typegrad jit"]
    if (e == null || j == null) continue
    const s = r.higherIsBetter ? j / e : e / j
    lines.push(`| ${r.label} (${r.unit}) | ${fmt(e)} | ${fmt(j)} | ${s.toFixed(2)}×${s < 1 ? " **JIT SLOWER THAN EAGER**" : ""} |`)
    if (s < 1) slower.push(r.label)
  }
  if (slower.length > 0) lines.push("", `**JIT SLOWER THAN EAGER** in ${slower.length} workload(s): ${slower.join("; ")}`)
  return lines.join("\n")
}
