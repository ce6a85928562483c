/** The CPU workloads every library runs, and the timer. */

/** Seconds of the fastest of `reps` runs (the least disturbed by other load on the machine). */
export const best = (reps: number, f: () => void): number => {
  let t = Infinity
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now()
    f()
    t = Math.min(t, (performance.now() - t0) / 1000)
  }
  return t
}

/** One library's implementation of the workloads; each returns seconds (heat: ms and the centre cell). */
export interface Workloads {
  matmul(n: number, reps: number): number
  /** NCHW input, OIHW weights, stride 1, "same" padding */
  conv2d(x: readonly [number, number, number, number], w: readonly [number, number, number, number], reps: number): number
  heat(n: number, steps: number, reps: number): { ms: number; centre: number }
  /** the same heat program with the step under `jit` (typegrad only; peers have one way to run it) */
  heatJit?(n: number, steps: number, reps: number): { ms: number; centre: number }
  /** f32 a + b on n elements */
  add(n: number, reps: number): number
}
