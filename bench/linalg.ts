/**
 * Linear-algebra timings on the CPU: one 200 × 200 `solve` (f32 and f64), a batch of 1000 4 × 4
 * solves, `inv` and `det` of the 200 × 200 matrix, and the gradient of a solve, with the relative
 * residuals ‖a·x − b‖ / ‖b‖ of each solve (computed on the host in f64). Run:
 * `npx tsx bench/linalg.ts`.
 */
import * as tg from "../src/index.js"

const on = (d: Float64Array, dtype: "f32" | "f64", shape: number[]): tg.AnyTensor =>
  dtype === "f64" ? tg.tensor(d, shape) : tg.tensor(Float32Array.from(d), shape)

const rand = (n: number, seed: number): Float64Array => {
  let s = seed >>> 0
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32 - 0.5
  })
}

/**
 * Median wall time and median CPU time (user + system, which a busy machine inflates less) of `f`
 * over `reps` runs after one warm-up, in milliseconds.
 */
const time = (f: () => unknown, reps = 7): string => {
  f()
  const wall: number[] = [],
    cpu: number[] = []
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now(),
      c0 = process.cpuUsage()
    f()
    const c = process.cpuUsage(c0)
    wall.push(performance.now() - t0)
    cpu.push((c.user + c.system) / 1000)
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[reps >> 1]!
  return `${med(wall).toFixed(2)} | ${med(cpu).toFixed(2)}`
}

/** max over the batch of ‖a·x − b‖₂ / ‖b‖₂ for [B, n, n], [B, n] data. */
const residual = (a: ArrayLike<number>, x: ArrayLike<number>, b: ArrayLike<number>, batch: number, n: number): number => {
  let worst = 0
  for (let k = 0; k < batch; k++) {
    let r2 = 0,
      b2 = 0
    for (let i = 0; i < n; i++) {
      let s = -b[k * n + i]!
      for (let j = 0; j < n; j++) s += a[k * n * n + i * n + j]! * x[k * n + j]!
      r2 += s * s
      b2 += b[k * n + i]! ** 2
    }
    worst = Math.max(worst, Math.sqrt(r2 / b2))
  }
  return worst
}

const rows: string[] = ["| case | dtype | wall ms | CPU ms | max relative residual |", "|---|---|---:|---:|---:|"]
const n = 200
const ad = rand(n * n, 1),
  bd = rand(n, 2)
for (const dtype of ["f32", "f64"] as const) {
  const a = on(ad, dtype, [n, n]),
    b = on(bd, dtype, [n])
  const ms = time(() => tg.solve(a, b).dataSync())
  const res = residual(a.dataSync(), tg.solve(a, b).dataSync(), b.dataSync(), 1, n)
  rows.push(`| solve 200 × 200 | ${dtype} | ${ms} | ${res.toExponential(1)} |`)
}
const a64 = on(ad, "f64", [n, n]),
  b64 = on(bd, "f64", [n])
rows.push(`| inv 200 × 200 | f64 | ${time(() => tg.inv(a64).dataSync())} | |`)
rows.push(`| det 200 × 200 | f64 | ${time(() => tg.det(a64).dataSync())} | |`)
rows.push(
  `| grad of sum(solve(a, b)) in a, 200 × 200 | f64 | ${time(
    () =>
      tg
        .grad((m: tg.AnyTensor) => tg.solve(m, b64).sum())(a64)
        .dataSync(),
    3,
  )} | |`,
)

const B = 1000,
  m = 4
const sd = rand(B * m * m, 3).map((v, i) => (Math.floor(i / m) % m === i % m ? v + 2 : v)),
  vd = rand(B * m, 4)
for (const dtype of ["f32", "f64"] as const) {
  const as = on(sd, dtype, [B, m, m]),
    bs = on(vd, dtype, [B, m])
  const ms = time(() => tg.solve(as, bs).dataSync())
  const res = residual(as.dataSync(), tg.solve(as, bs).dataSync(), bs.dataSync(), B, m)
  rows.push(`| 1000 × solve 4 × 4 (batched) | ${dtype} | ${ms} | ${res.toExponential(1)} |`)
}
const asv = on(sd, "f64", [B, m, m]),
  bsv = on(vd, "f64", [B, m])
const vsolve = tg.jit(tg.vmap((x: tg.AnyTensor, y: tg.AnyTensor) => tg.solve(x, y)))
const vres = residual(sd, vsolve(asv, bsv).dataSync(), vd, B, m)
rows.push(`| 1000 × solve 4 × 4 (jit of vmap) | f64 | ${time(() => vsolve(asv, bsv).dataSync())} | ${vres.toExponential(1)} |`)
console.log(rows.join("\n"))
