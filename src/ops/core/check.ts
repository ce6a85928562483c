/**
 * Run-time checks of what the types already promise, for callers the type checker did not see
 * (plain JavaScript, `any`, parsed data): tensors and operands, dtype names, devices, option
 * records and option values. Each failure is a typed error naming the op, what it was given and
 * what it accepts. The checks are single `instanceof`/`typeof` tests on the per-op path; the
 * message is only built when one fails.
 *
 * @since 0.1.0
 */
import type { DType } from "../../shape/index.js"
import { DTypeError, InvalidArgument } from "../../errors.js"
import type { Device } from "./backend.js"
import { Tensor } from "./tensor.js"

/** A short description of any value for an error message: `undefined`, `the string "1"`, `an array [1, 2, 3]`, `a Key`. */
export const describeValue = (v: unknown): string => {
  if (v === undefined || v === null) return String(v)
  switch (typeof v) {
    case "string":
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`
    case "number":
      return `the number ${String(v)}`
    case "boolean":
      return `the boolean ${String(v)}`
    case "bigint":
      return `the bigint ${String(v)}n`
    case "function":
      return "a function"
    case "symbol":
      return "a symbol"
  }
  if (v instanceof Tensor) return `a tensor ${v.dtype}[${v.shape.join(", ")}]`
  if (Array.isArray(v)) {
    const shown = v
      .slice(0, 4)
      .map((x) =>
        typeof x === "object" && x !== null ? (Array.isArray(x) ? "[…]" : "{…}") : typeof x === "string" ? JSON.stringify(x) : String(x),
      )
    return `an array [${shown.join(", ")}${v.length > 4 ? ", …" : ""}]`
  }
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`
  const proto = Object.getPrototypeOf(v) as object | null
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(v as object)
    return keys.length === 0 ? "an empty object {}" : `an object { ${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", …" : ""} }`
  }
  const name = (proto as { constructor?: { name?: string } }).constructor?.name
  return name ? `a ${name}` : "an object"
}

/** An `InvalidArgument` for `argument` of `op`: what it got and what is accepted. */
export const invalidArgument = (op: string, argument: string, value: unknown, expected: string, hint?: string): InvalidArgument =>
  new InvalidArgument({
    op,
    argument,
    expected,
    message: `${op}: ${argument} is ${describeValue(value)}, expected ${expected}${hint === undefined ? "" : ` (${hint})`}`,
  })

/** Throw unless `x` is a tensor. */
export const checkTensor = (x: unknown, op: string, argument = "the input"): void => {
  if (!(x instanceof Tensor)) throw invalidArgument(op, argument, x, "a tensor", hintFor(x))
}

/** Throw unless `f` is a function (the function a transform or a loop is given). */
export const checkFunction = (f: unknown, op: string, argument = "f", expected = "a function"): void => {
  if (typeof f !== "function") throw invalidArgument(op, argument, f, expected)
}

/** Throw unless `x` is a tensor or a number (an operand of an arithmetic op). */
export const checkOperand = (x: unknown, op: string, argument: string): void => {
  if (typeof x !== "number" && !(x instanceof Tensor)) throw invalidArgument(op, argument, x, "a tensor or a number", hintFor(x))
}

const hintFor = (x: unknown): string | undefined =>
  Array.isArray(x)
    ? "make a tensor of nested data with tg.tensor(...)"
    : typeof x === "string" && x.trim() !== "" && !Number.isNaN(Number(x))
      ? "parse it with Number(...) first"
      : typeof x === "boolean"
        ? "use a bool tensor, or 0/1"
        : undefined

/** Every dtype, in the order messages list them. */
export const DTYPES: ReadonlyArray<DType> = ["f32", "f64", "f16", "i32", "bool"]
const isDType = (d: unknown): d is DType => d === "f32" || d === "f64" || d === "i32" || d === "bool" || d === "f16"
// NumPy/PyTorch spellings and the typegrad dtype they mean
const dtypeAliases: Readonly<Record<string, DType>> = {
  float32: "f32",
  float: "f32",
  single: "f32",
  float64: "f64",
  double: "f64",
  float16: "f16",
  half: "f16",
  int32: "i32",
  int: "i32",
  int64: "i32",
  i64: "i32",
  long: "i32",
  boolean: "bool",
  bool_: "bool",
}

/** Throw unless `d` is a dtype name; the message suggests the typegrad spelling of NumPy's names. */
export const checkDTypeName = (d: unknown, op: string, argument = "dtype"): DType => {
  if (isDType(d)) return d
  const alias = typeof d === "string" ? dtypeAliases[d.toLowerCase()] : undefined
  const hint =
    alias === undefined
      ? ""
      : /64$|long/.test(String(d)) && alias === "i32"
        ? ` (typegrad has no 64-bit integers: did you mean "i32"?)`
        : ` (did you mean "${alias}"?)`
  const got = typeof d === "string" ? `"${d}"` : describeValue(d)
  throw new DTypeError({ op, dtypes: [String(d)], message: `${op}: ${argument} ${got} is not one of ${DTYPES.join(", ")}${hint}` })
}

/** Throw unless `d` is a device (`tg.cpu`, or one acquired with `acquireWebGpu`/`WebGpu`). */
export const checkDevice = (d: unknown, op: string, argument = "device"): Device => {
  const backend = typeof d === "object" && d !== null ? (d as { backend?: { upload?: unknown } }).backend : undefined
  if (typeof backend?.upload !== "function")
    throw invalidArgument(
      op,
      argument,
      d,
      "a Device (tg.cpu, or one acquired with acquireWebGpu or WebGpu)",
      typeof d === "string" ? "devices are values, not names" : undefined,
    )
  return d as Device
}

/**
 * Throw unless `o` is `undefined` or a record whose keys are all in `allowed`; `renamed` maps
 * other libraries' option names to typegrad's (`ddof` → `correction`) for the hint.
 */
export const checkOptions = (
  o: unknown,
  op: string,
  allowed: ReadonlyArray<string>,
  renamed: Readonly<Record<string, string>> = {},
): void => {
  if (o === undefined) return
  if (typeof o !== "object" || o === null || Array.isArray(o) || o instanceof Tensor)
    throw invalidArgument(op, "options", o, `an options object with ${list(allowed)}`)
  for (const k in o)
    if (!allowed.includes(k)) {
      const r = renamed[k]
      throw new InvalidArgument({
        op,
        argument: `options.${k}`,
        expected: list(allowed),
        message: `${op}: unknown option "${k}", expected ${list(allowed)}${r === undefined ? "" : ` (did you mean "${r}"?)`}`,
      })
    }
}
const list = (xs: ReadonlyArray<string>): string =>
  xs.length === 1
    ? `"${xs[0]}"`
    : `${xs
        .slice(0, -1)
        .map((x) => `"${x}"`)
        .join(", ")} or "${xs[xs.length - 1]}"`

/** Throw unless `v` is one of `choices` (an enumerated option such as a pad mode). */
export const checkChoice = <C extends string>(v: unknown, op: string, argument: string, choices: ReadonlyArray<C>): C => {
  if (!choices.includes(v as C)) throw invalidArgument(op, argument, v, list(choices))
  return v as C
}

/** Throw unless `v` is an integer no smaller than `min` (a count, a loop bound, a padding). */
export const checkInt = (v: unknown, op: string, argument: string, min = -Infinity): number => {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw invalidArgument(op, argument, v, min === -Infinity ? "an integer" : min === 0 ? "a non-negative integer" : `an integer ≥ ${min}`)
  return v
}

/** Throw unless `v` is a finite number within `[min, max]` (a probability, a standard deviation). */
export const checkNumber = (v: unknown, op: string, argument: string, min = -Infinity, max = Infinity): number => {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    const range = min === -Infinity ? (max === Infinity ? "" : ` ≤ ${max}`) : max === Infinity ? ` ≥ ${min}` : ` in [${min}, ${max}]`
    throw invalidArgument(op, argument, v, `a finite number${range}`)
  }
  return v
}

/**
 * Throw if `x` is one of `path` (the containers above it): a cyclic tree would recurse forever.
 * Only looked for past depth 16, so that flattening an ordinary (shallow) tree costs nothing.
 */
export const checkAcyclic = (x: unknown, path: ReadonlyArray<unknown>, op: string): void => {
  if (path.length < 16 || !path.includes(x)) return
  // the first two times the walk met x: the path to the second one leads back to the first
  const first = path.indexOf(x),
    again = path.indexOf(x, first + 1)
  const second = again === -1 ? path.length : again
  const keys: string[] = []
  for (let i = 0; i < second; i++) {
    const parent = path[i] as Record<string, unknown>,
      child = i + 1 < path.length ? path[i + 1] : x
    const k = Object.keys(parent).find((key) => parent[key] === child)
    keys.push(Array.isArray(parent) ? `[${k}]` : `.${k}`)
  }
  const name = (ks: ReadonlyArray<string>) => (ks.length === 0 ? "the root" : ks.join("").replace(/^\./, ""))
  throw new InvalidArgument({
    op,
    argument: "tree",
    expected: "a tree (nested arrays, records and tree nodes without cycles)",
    message: `${op}: the tree is cyclic: ${name(keys)} refers back to ${name(keys.slice(0, first))}; a tree of tensors cannot contain itself`,
  })
}
