/**
 * Tree bookkeeping shared by the optimizers: leaf paths (`layers[0].w`), the check that a state
 * or gradient tree matches the parameter tree (structure and shapes, with the path of the first
 * difference), and the step counter an optimizer keeps on the parameters' device.
 *
 * @since 0.1.0
 */
import { InvalidHyperparameter, OptimizerStateMismatch } from "../errors.js"
import { Tree } from "../grad/index.js"
import { zeros, type AnyTensor, type Tensor } from "../ops/index.js"

/**
 * The step counter in an optimizer state: a scalar on the parameters' device, f64 when the
 * parameters are f64 (so f64 problems get f64 bias corrections), else f32.
 *
 * @example
 * import * as tg from "typegrad"
 * const { count } = tg.optim.scaleByAdam().init({ w: tg.zeros([2]) }) // count: tg.optim.StepCount
 * count.shape // [], on the parameters' device
 * @since 0.1.0
 * @category optimizers
 */
export type StepCount = Tensor<[], "f32" | "f64">

/** Path of every leaf of `def`, in canonical order: `w`, `layers[0].b`, `[1]`. */
export const leafPaths = (def: Tree.TreeDef, prefix = ""): string[] => {
  switch (def.kind) {
    case "leaf":
      return [prefix]
    case "array":
      return def.children.flatMap((c, i) => leafPaths(c, `${prefix}[${i}]`))
    case "record":
    case "node":
      return def.children.flatMap((c, i) => leafPaths(c, prefix === "" ? def.keys[i]! : `${prefix}.${def.keys[i]!}`))
    case "static":
      return []
  }
}

const fmtShape = (s: ReadonlyArray<number>): string => `[${s.join(", ")}]`

/**
 * The leaves of `tree` (a state field or a gradient tree), after checking that it has the
 * structure `def` and the leaf shapes of `like`; `what` names the field in the error.
 */
export const leavesLike = (op: string, what: string, tree: unknown, def: Tree.TreeDef, like: ReadonlyArray<AnyTensor>): AnyTensor[] => {
  let leaves: AnyTensor[], d: Tree.TreeDef
  try {
    ;[leaves, d] = Tree.flatten(tree)
  } catch {
    const got = tree === undefined ? "undefined" : typeof tree
    throw new OptimizerStateMismatch({
      op,
      path: "",
      expected: Tree.show(def),
      got,
      message: `${op}: ${what} is ${got}, expected a tree of structure ${Tree.show(def)} like the parameters`,
    })
  }
  if (!Tree.structureEquals(d, def)) {
    throw new OptimizerStateMismatch({
      op,
      path: "",
      expected: Tree.show(def),
      got: Tree.show(d),
      message: `${op}: ${what} has structure ${Tree.show(d)}, expected ${Tree.show(def)} like the gradient and parameter trees`,
    })
  }
  for (let i = 0; i < leaves.length; i++) {
    const a = leaves[i]!.shape,
      b = like[i]!.shape
    if (a.length !== b.length || a.some((n, k) => n !== b[k])) {
      const path = leafPaths(def)[i]!
      throw new OptimizerStateMismatch({
        op,
        path,
        expected: fmtShape(b),
        got: fmtShape(a),
        message: `${op}: ${what} at ${path || "the root"} has shape ${fmtShape(a)}, expected ${fmtShape(b)} like the gradient and parameter there`,
      })
    }
  }
  return leaves
}

/** A fresh step counter (0) beside the first leaf: its device, f64 if it is f64. */
export const newCount = (leaves: ReadonlyArray<AnyTensor>): StepCount => {
  const first = leaves[0]
  if (first === undefined) return zeros([], { dtype: "f32" }) as StepCount
  return zeros([], { dtype: first.dtype === "f64" ? "f64" : "f32", device: first.device }) as StepCount
}

/** The counter in a state, checked to be a scalar. */
export const countOf = (op: string, count: unknown): StepCount => {
  const [ls] = (() => {
    try {
      return Tree.flatten(count)
    } catch {
      return [[]]
    }
  })()
  const c = ls[0]
  if (ls.length !== 1 || c === undefined || c.shape.length !== 0) {
    throw new OptimizerStateMismatch({
      op,
      path: "count",
      expected: "a scalar step counter",
      got: c === undefined ? String(count) : fmtShape(c.shape),
      message: `${op}: state.count is not a scalar step counter, expected the state made by init`,
    })
  }
  return c as StepCount
}

/** `s` (a scalar) in the dtype of `leaf`, for per-leaf factors. */
export const like = (s: AnyTensor, leaf: AnyTensor): AnyTensor => (s.dtype === leaf.dtype ? s : s.cast(leaf.dtype))

// Erased float ops for chains whose intermediate dtype the typed methods cannot see.
export const sqrt = (x: AnyTensor): AnyTensor => x.sqrt()
export const exp = (x: AnyTensor): AnyTensor => x.exp()
export const cos = (x: AnyTensor): AnyTensor => x.cos()
export const recip = (x: AnyTensor): AnyTensor => x.reciprocal()

/** Throw unless `ok`: a hyperparameter outside its domain. */
export const requireOption = (op: string, name: string, value: unknown, ok: boolean, expected: string): void => {
  if (!ok) throw new InvalidHyperparameter({ op, name, value, message: `${op}: ${name} = ${String(value)}, expected ${expected}` })
}
export const nonNeg = (op: string, name: string, v: number) =>
  requireOption(op, name, v, Number.isFinite(v) && v >= 0, "a finite number ≥ 0")
/** Throw unless `v` ∈ [0, 1) (an exponential-average factor). */
export const beta = (op: string, name: string, v: number) => requireOption(op, name, v, v >= 0 && v < 1, "a number in [0, 1)")
