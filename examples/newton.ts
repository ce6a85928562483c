/**
 * Newton's method with derivatives from the transforms: a cubic with `jvp` (the derivative along
 * tangent 1) and a 2-D system with `jacfwd` (the Jacobian). Run with `npx tsx examples/newton.ts`.
 *
 * @since 0.1.0
 */
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"

type Scalar = tg.Tensor<[], "f64", "cpu">
type Vec2 = tg.Tensor<[2], "f64", "cpu">

/** x³ − 2x − 5, Newton's own example. */
export const cubic = (x: Scalar) => x.pow(3).sub(x.mul(2)).sub(5)

/** x ← x − f(x)/f'(x), with f and f' from one `jvp` per step. */
export const newton = (f: (x: Scalar) => Scalar, x0: number, steps = 6): number => {
  let x: Scalar = tg.scalar(x0, { dtype: "f64" })
  const one = tg.scalar(1, { dtype: "f64" })
  for (let i = 0; i < steps; i++) {
    const [y, dy] = tg.jvp(f, [x], [one])
    x = x.sub(y.div(dy))
  }
  return x.item()
}

/** The circle x² + y² = 4 and the hyperbola xy = 1, as residuals. */
export const system = (v: Vec2) => {
  const x = v.slice("0"), y = v.slice("1")
  return tg.stack([x.square().add(y.square()).sub(4), x.mul(y).sub(1)])
}

/** The inverse of a 2×2 matrix: adjugate over determinant. */
const inv2 = (m: tg.Tensor<[2, 2], "f64", "cpu">) => {
  const [a, b, c, d] = [m.slice("0, 0"), m.slice("0, 1"), m.slice("1, 0"), m.slice("1, 1")]
  return tg.stack([tg.stack([d, b.neg()]), tg.stack([c.neg(), a])]).div(a.mul(d).sub(b.mul(c)))
}

/** v ← v − J(v)⁻¹·F(v), with the Jacobian from `jacfwd`. */
export const newton2 = (F: (v: Vec2) => Vec2, v0: readonly [number, number], steps = 6): number[] => {
  let v: Vec2 = tg.tensor([...v0], { dtype: "f64" })
  for (let i = 0; i < steps; i++) v = v.sub(inv2(tg.jacfwd(F)(v)).matmul(F(v)))
  return v.toArraySync()
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(`root of x³ − 2x − 5: ${newton(cubic, 2)}`)
  console.log(`circle ∩ hyperbola: (${newton2(system, [2, 0.5]).join(", ")})`)
}
