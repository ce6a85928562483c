/**
 * Autograd in four lines: x = 3, y = x², dy/dx = 2x = 6. Run with `npx tsx examples/autograd.ts`.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"

/** y = x² at x and its derivative, both read back as numbers. */
export const derivative = (x0 = 3): { readonly x: number; readonly y: number; readonly dydx: number } => {
  const x = tg.scalar(x0)
  const [y, dydx] = tg.valueAndGrad((v: tg.Tensor<[]>) => v.square())(x)
  return { x: x.item(), y: y.item(), dydx: dydx.item() }
}

/**
 * The same on any device: x is moved there, the gradient is computed there, and both numbers
 * come back through `tg.data` (an Effect: a GPU has no synchronous readback).
 */
export const derivativeOn = async (
  device: tg.Device,
  x0 = 3,
): Promise<{ readonly x: number; readonly y: number; readonly dydx: number }> => {
  const x = tg.scalar(x0).to(device)
  const [y, dydx] = tg.valueAndGrad((v: tg.Tensor<[], "f32", tg.DeviceKind>) => v.square())(x)
  const [yv, gv] = await Effect.runPromise(Effect.all([tg.data(y), tg.data(dydx)]))
  return { x: x0, y: yv[0]!, dydx: gv[0]! }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { x, y, dydx } = derivative()
  console.log(`x = ${x}, y = x² = ${y}, dy/dx = ${dydx}`)
}
