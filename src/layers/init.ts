/**
 * Parameter initialisers with PyTorch's definitions (`torch.nn.init`), drawn from explicit keys:
 * the same key gives the same tensor. Fans follow PyTorch: for a weight `[out, in, ...k]`,
 * `fanIn = in·∏k` and `fanOut = out·∏k`.
 *
 * @since 0.1.0
 */
import { ShapeError } from "../errors.js"
import { cpu } from "../device/cpu/index.js"
import { dataSync, full, normal as normalT, split, uniform as uniformT, type AnyTensor, type Device, type Key } from "../ops/index.js"
import { fromHost } from "../ops/core/host.js"
import type { DType, FloatDType } from "../shape/index.js"

/**
 * Where and how an initialiser places its tensor (default f32 on the CPU).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.init.InitOptions = { dtype: "f64" }
 * @since 0.1.0
 * @category init
 */
export interface InitOptions {
  readonly dtype?: FloatDType
  readonly device?: Device
}

const place = (o: InitOptions | undefined): { dtype: DType; device: Device } => ({ dtype: o?.dtype ?? "f32", device: o?.device ?? cpu })

/**
 * `[fanIn, fanOut]` of a weight shape, as PyTorch's `_calculate_fan_in_and_fan_out`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.init.fans([16, 3, 3, 3]) // [27, 144]
 * @since 0.1.0
 * @category init
 */
export const fans = (shape: ReadonlyArray<number>): [number, number] => {
  if (shape.length < 2) throw ShapeError.of("init", `fan in and fan out need at least 2 dims, got [${shape.join(", ")}]`, shape)
  const field = shape.slice(2).reduce((a, b) => a * b, 1)
  return [shape[1]! * field, shape[0]! * field]
}

/**
 * The recommended gain of a nonlinearity (PyTorch's `calculate_gain`).
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.init.gain("relu") // √2
 * @since 0.1.0
 * @category init
 */
export const gain = (nonlinearity: "linear" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu", param?: number): number => {
  switch (nonlinearity) {
    case "linear":
    case "sigmoid":
      return 1
    case "tanh":
      return 5 / 3
    case "relu":
      return Math.SQRT2
    case "leaky_relu":
      return Math.sqrt(2 / (1 + (param ?? 0.01) ** 2))
    case "selu":
      return 3 / 4
  }
}

/**
 * Samples of U(low, high).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.uniform(tg.key(0), [4, 3], -0.1, 0.1)
 * @since 0.1.0
 * @category init
 */
export const uniform = (key: Key, shape: ReadonlyArray<number>, low = 0, high = 1, o?: InitOptions): AnyTensor =>
  uniformT(key, shape, { ...place(o), low, high })

/**
 * Samples of N(mean, std²).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.normal(tg.key(0), [4, 3], 0, 0.02)
 * @since 0.1.0
 * @category init
 */
export const normal = (key: Key, shape: ReadonlyArray<number>, mean = 0, std = 1, o?: InitOptions): AnyTensor =>
  normalT(key, shape, { ...place(o), mean, std })

/**
 * A tensor filled with `value`.
 *
 * @example
 * import * as tg from "typegrad"
 * tg.nn.init.constant([2], 0.5).toArraySync() // [0.5, 0.5]
 * @since 0.1.0
 * @category init
 */
export const constant = (shape: ReadonlyArray<number>, value: number, o?: InitOptions): AnyTensor => full(shape, value, place(o))

/**
 * Zeros.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.init.zeros([3]).toArraySync() // [0, 0, 0]
 * @since 0.1.0
 * @category init
 */
export const zeros = (shape: ReadonlyArray<number>, o?: InitOptions): AnyTensor => constant(shape, 0, o)

/**
 * Ones.
 * @example
 * import * as tg from "typegrad"
 * tg.nn.init.ones([3]).toArraySync() // [1, 1, 1]
 * @since 0.1.0
 * @category init
 */
export const ones = (shape: ReadonlyArray<number>, o?: InitOptions): AnyTensor => constant(shape, 1, o)

/**
 * Glorot/Xavier uniform: U(±gain·√(6 / (fanIn + fanOut))).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.xavierUniform(tg.key(0), [64, 32])
 * @since 0.1.0
 * @category init
 */
export const xavierUniform = (key: Key, shape: ReadonlyArray<number>, g = 1, o?: InitOptions): AnyTensor => {
  const [fi, fo] = fans(shape)
  const b = g * Math.sqrt(6 / (fi + fo))
  return uniform(key, shape, -b, b, o)
}

/**
 * Glorot/Xavier normal: N(0, (gain·√(2 / (fanIn + fanOut)))²).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.xavierNormal(tg.key(0), [64, 32])
 * @since 0.1.0
 * @category init
 */
export const xavierNormal = (key: Key, shape: ReadonlyArray<number>, g = 1, o?: InitOptions): AnyTensor => {
  const [fi, fo] = fans(shape)
  return normal(key, shape, 0, g * Math.sqrt(2 / (fi + fo)), o)
}

/**
 * Options of the Kaiming initialisers (PyTorch's defaults: `a = 0`, fan in, leaky ReLU gain).
 *
 * @example
 * import * as tg from "typegrad"
 * const o: tg.nn.init.KaimingOptions = { a: Math.sqrt(5) }
 * @since 0.1.0
 * @category init
 */
export interface KaimingOptions extends InitOptions {
  readonly a?: number
  readonly mode?: "fanIn" | "fanOut"
  readonly nonlinearity?: "relu" | "leaky_relu"
}
const kaimingStd = (shape: ReadonlyArray<number>, o: KaimingOptions | undefined): number => {
  const [fi, fo] = fans(shape)
  const g = gain(o?.nonlinearity ?? "leaky_relu", o?.a ?? 0)
  return g / Math.sqrt(o?.mode === "fanOut" ? fo : fi)
}

/**
 * He/Kaiming uniform: U(±gain·√(3 / fan)); with `a = √5` this is PyTorch's default for Linear and Conv weights, U(±1/√fanIn).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.kaimingUniform(tg.key(0), [16, 3, 3, 3], { a: Math.sqrt(5) })
 * @since 0.1.0
 * @category init
 */
export const kaimingUniform = (key: Key, shape: ReadonlyArray<number>, o?: KaimingOptions): AnyTensor => {
  const b = Math.sqrt(3) * kaimingStd(shape, o)
  return uniform(key, shape, -b, b, o)
}

/**
 * He/Kaiming normal: N(0, (gain / √fan)²).
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.kaimingNormal(tg.key(0), [16, 3, 3, 3], { nonlinearity: "relu" })
 * @since 0.1.0
 * @category init
 */
export const kaimingNormal = (key: Key, shape: ReadonlyArray<number>, o?: KaimingOptions): AnyTensor =>
  normal(key, shape, 0, kaimingStd(shape, o), o)

/**
 * N(mean, std²) conditioned on [a, b] (PyTorch's `trunc_normal_`, default a = −2, b = 2), by
 * rejection: out-of-range draws are replaced by fresh ones from split keys.
 *
 * @example
 * import * as tg from "typegrad"
 * const w = tg.nn.init.truncatedNormal(tg.key(0), [768, 768], { std: 0.02, a: -0.04, b: 0.04 })
 * @since 0.1.0
 * @category init
 */
export const truncatedNormal = (
  key: Key,
  shape: ReadonlyArray<number>,
  opts?: InitOptions & { readonly mean?: number; readonly std?: number; readonly a?: number; readonly b?: number },
): AnyTensor => {
  const mean = opts?.mean ?? 0,
    std = opts?.std ?? 1,
    a = opts?.a ?? -2,
    b = opts?.b ?? 2
  const n = shape.reduce((x, y) => x * y, 1)
  const out = new Float64Array(n)
  let filled = 0
  for (let round = 0; filled < n; round++) {
    if (round > 1000) throw ShapeError.of("truncatedNormal", `the interval [${a}, ${b}] has too little mass under N(${mean}, ${std}²)`)
    const draws = dataSync(normalT(foldKey(key, round), [Math.max(n - filled, 16) * 2], { dtype: "f64", mean, std }))
    for (let i = 0; i < draws.length && filled < n; i++) if (draws[i]! >= a && draws[i]! <= b) out[filled++] = draws[i]!
  }
  const p = place(opts)
  return fromHost(out, shape, p.dtype, p.device)
}
const foldKey = (k: Key, i: number): Key => (i === 0 ? k : split(k, i + 1)[i]!)

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one (PyTorch's
 * `orthogonal_`): rows or columns orthonormal, times `gain`; dims after the first are flattened.
 *
 * @example
 * import * as tg from "typegrad"
 * const q = tg.nn.init.orthogonal(tg.key(0), [4, 4]) // q @ qᵀ = I
 * @since 0.1.0
 * @category init
 */
export const orthogonal = (key: Key, shape: ReadonlyArray<number>, g = 1, o?: InitOptions): AnyTensor => {
  if (shape.length < 2) throw ShapeError.of("orthogonal", `needs at least 2 dims, got [${shape.join(", ")}]`, shape)
  const rows = shape[0]!,
    cols = shape.slice(1).reduce((x, y) => x * y, 1)
  const tall = rows >= cols
  const [m, n] = tall ? [rows, cols] : [cols, rows]
  const a = dataSync(normalT(key, [m, n], { dtype: "f64" }))
  // modified Gram–Schmidt on the n columns of the m×n matrix (m ≥ n): Q with sign fixed by R's diagonal, as PyTorch
  const q = Float64Array.from(a)
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let d = 0
      for (let i = 0; i < m; i++) d += q[i * n + k]! * q[i * n + j]!
      for (let i = 0; i < m; i++) q[i * n + j]! -= d * q[i * n + k]!
    }
    let r = 0
    for (let i = 0; i < m; i++) r += q[i * n + j]! ** 2
    r = Math.sqrt(r)
    for (let i = 0; i < m; i++) q[i * n + j] = q[i * n + j]! / r
  }
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = g * (tall ? q[i * n + j]! : q[j * n + i]!)
  const p = place(o)
  return fromHost(out, shape, p.dtype, p.device)
}
