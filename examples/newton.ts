/**
 * Newton's method with `tg.newton`, which takes each step's derivative from the transforms
 * (`jacfwd`) and the step from `tg.solve`: a cubic in one unknown and a 2-D system. Run with
 * `npx tsx examples/newton.ts`.
 *
 * @since 0.1.0
 */
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"

type Scalar = tg.Tensor<[], "f64", "cpu">
type Vec2 = tg.Tensor<[2], "f64", "cpu">

/** x³ − 2x − 5, Newton's own example. */
export const cubic = (x: Scalar) => x.pow(3).sub(x.mul(2)).sub(5)

/** A root of `f` from `x0`: x ← x − f(x)/f'(x) until |f(x)| ≤ 1e-14. */
export const newton = (f: (x: Scalar) => Scalar, x0: number, maxSteps = 20): number => {
  const r = tg.newton(f, tg.scalar(x0, { dtype: "f64" }), { tol: 1e-14, maxSteps })
  if (!r.converged) throw new Error(`newton: ${r.message}`)
  return r.x.item()
}

/** The circle x² + y² = 4 and the hyperbola xy = 1, as residuals. */
export const system = (v: Vec2) => {
  const x = v.slice("0"),
    y = v.slice("1")
  return tg.stack([x.square().add(y.square()).sub(4), x.mul(y).sub(1)])
}

/** A root of the system `F` from `v0`: v ← v − J(v)⁻¹·F(v), J from `jacfwd`, the step from `solve`. */
export const newton2 = (F: (v: Vec2) => Vec2, v0: readonly [number, number], maxSteps = 20): number[] => {
  const r = tg.newton(F, tg.tensor([...v0], { dtype: "f64" }), { tol: 1e-14, maxSteps })
  if (!r.converged) throw new Error(`newton: ${r.message}`)
  return r.x.toArraySync()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`root of x³ − 2x − 5: ${newton(cubic, 2)}`)
  console.log(`circle ∩ hyperbola: (${newton2(system, [2, 0.5]).join(", ")})`)
}
