/**
 * `A @ B` for two random n × n matrices (n = 1024 by default) on the best device, timed after a
 * warm-up run and printed in GFLOP/s (2n³ floating-point operations per product). Run with
 * `npx tsx examples/matmul-bench.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { pickDevice } from "./pick-device.js"

/** What one run measured. */
export interface MatmulBench {
  readonly device: string
  readonly n: number
  readonly msPerProduct: number
  readonly gflops: number
  /** the last product, read back (row-major n × n) */
  readonly product: Float32Array
  readonly a: Float32Array
  readonly b: Float32Array
}

/** Time `reps` products of two random n × n matrices on the best device (or `options.device`). */
export const main = async (
  options: { readonly n?: number; readonly reps?: number; readonly device?: tg.Device; readonly log?: (line: string) => void } = {},
): Promise<MatmulBench> => {
  const n = options.n ?? 1024,
    reps = options.reps ?? 3,
    log = options.log ?? console.log
  const best = await pickDevice(options.device)
  log(`device: ${best.reason}`)
  try {
    const [ka, kb] = tg.split(tg.key(0))
    const a = tg.normal(ka!, [n, n]),
      b = tg.normal(kb!, [n, n])
    const A = a.to(best.device),
      B = b.to(best.device)
    let c = A.matmul(B) // warm-up: compiles the kernel, allocates
    await tg.synchronize(best.device)
    const t0 = performance.now()
    for (let i = 0; i < reps; i++) c = A.matmul(B)
    await tg.synchronize(best.device) // GPU work is asynchronous: wait before stopping the clock
    const ms = (performance.now() - t0) / reps
    const gflops = (2 * n ** 3) / (ms * 1e6)
    log(`A @ B, ${n} × ${n} f32 on ${best.device.name}: ${ms.toFixed(1)} ms per product, ${gflops.toFixed(2)} GFLOP/s`)
    const product = await Effect.runPromise(tg.data(c))
    return { device: best.device.name, n, msPerProduct: ms, gflops, product, a: a.dataSync(), b: b.dataSync() }
  } finally {
    best.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
