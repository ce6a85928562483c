/**
 * Data as device-portable currency: a plain `Float32Array` (the role NumPy arrays play in Python)
 * becomes a tensor, moves to the best device, is standardised there (per-column mean and
 * standard deviation), and comes back as a `Float32Array`. Run with
 * `npx tsx examples/data-portable.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { pickDevice } from "./pick-device.js"

/** What one run produced. */
export interface Portable {
  readonly device: string
  /** the standardised data, row-major [rows, 4], back in host memory */
  readonly standardised: Float32Array
  /** the per-column means of the input, computed on the device */
  readonly means: Float32Array
}

/** `rows` × 4 samples of a deterministic signal, in a plain typed array. */
export const samples = (rows: number): Float32Array =>
  Float32Array.from({ length: rows * 4 }, (_, k) => Math.sin(k * 0.37) * (1 + (k % 4)) + (k % 4) * 10)

/** Typed array → tensor → best device (or `options.device`) → compute → typed array. */
export const main = async (
  options: { readonly rows?: number; readonly device?: tg.Device; readonly log?: (line: string) => void } = {},
): Promise<Portable> => {
  const rows = options.rows ?? 1000,
    log = options.log ?? console.log
  const host = samples(rows)
  const best = await pickDevice(options.device)
  log(`device: ${best.reason}`)
  try {
    const x = tg.tensor(host, [rows, 4]).to(best.device) // Tensor<[number, 4], "f32", DeviceKind>
    const mean = x.mean({ axis: 0, keepdims: true })
    const std = x.sub(mean).square().mean({ axis: 0, keepdims: true }).sqrt()
    const z = x.sub(mean).div(std)
    // back to host memory: an Effect, since GPU memory is read asynchronously
    const [standardised, means] = await Effect.runPromise(Effect.all([tg.data(z), tg.data(mean)]))
    log(`standardised ${rows} × 4 samples; column means were ${Array.from(means, (m) => m.toFixed(3)).join(", ")}`)
    return { device: best.device.name, standardised, means }
  } finally {
    best.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
