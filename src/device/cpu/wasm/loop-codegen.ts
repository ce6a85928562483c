/**
 * Fused f32 loops of the CPU `jit` as WebAssembly SIMD: the same loop nest `fused.ts` generates as
 * JavaScript (outer axes, then one inner axis), with the inner axis four lanes at a time in
 * `f32x4` and a scalar tail. Every operation rounds to f32, as an eager f32 op does (add, sub, mul,
 * div and sqrt computed in f64 and stored to f32 round the same way), so a Wasm loop's results
 * equal eager ones bit for bit. Comparisons are lane masks that only `where` (a bit select) reads;
 * `max`/`min` keep eager's choice on ties and NaN (`a ≥ b or a is NaN ? a : b`, so max(-0, +0) is
 * -0) with a compare and a select rather than Wasm's own `max`.
 *
 * @since 0.1.0
 */
import { F32, I32, ModuleBuilder, V128, type Body, type CompareOp, type MemoryLimits } from "./emit.js"

/** An operand of the loop: a constant, or buffer `buf` read at `offset + Σ i·strides` (elements). */
export type WasmOperand =
  | { readonly kind: "const"; readonly value: number }
  | { readonly kind: "array"; readonly buf: number; readonly offset: number; readonly strides: ReadonlyArray<number> }

/** One equation: `op` (an expression name) of earlier values (operands first, then equations). */
export interface WasmEqn {
  readonly op: string
  readonly inputs: ReadonlyArray<number>
}

/** What the loop computes: over `shape` (merged axes), `eqns` of `operands`, `outputs` stored contiguously. */
export interface WasmLoop {
  readonly shape: ReadonlyArray<number>
  readonly buffers: number
  readonly operands: ReadonlyArray<WasmOperand>
  readonly eqns: ReadonlyArray<WasmEqn>
  readonly outputs: ReadonlyArray<number>
}

const binary = new Set(["add", "sub", "mul", "div", "max", "min"])
const unary = new Set(["neg", "abs", "sqrt", "cast.f32"])
const compares = new Set(["compare.eq", "compare.ne", "compare.lt", "compare.gt", "compare.le", "compare.ge"])

/**
 * Whether the Wasm loop lowers these equations: f32 arithmetic (`add sub mul div max min neg abs
 * sqrt`), comparisons of f32 values whose masks only `where` reads, and `where` of a mask. Every
 * output must be an f32 value, not a mask.
 */
export const lowerable = (nOperands: number, eqns: ReadonlyArray<WasmEqn>, outputs: ReadonlyArray<number>): boolean => {
  const kind: Array<"f" | "m"> = new Array<"f" | "m">(nOperands).fill("f")
  for (const e of eqns) {
    const k = e.inputs.map((v) => kind[v])
    if (binary.has(e.op) && e.inputs.length === 2 && k.every((x) => x === "f")) kind.push("f")
    else if (unary.has(e.op) && e.inputs.length === 1 && k[0] === "f") kind.push("f")
    else if (compares.has(e.op) && e.inputs.length === 2 && k.every((x) => x === "f")) kind.push("m")
    else if (e.op === "where" && e.inputs.length === 3 && k[0] === "m" && k[1] === "f" && k[2] === "f") kind.push("f")
    else return false
  }
  return outputs.every((v) => kind[v] === "f")
}

/**
 * The module: `run(buf_0, …, buf_{B−1}, out_0, …)`, byte addresses of the input buffers and of
 * the contiguous outputs, in `memory` (imported as env.memory).
 */
export const wasmLoopModule = (loop: WasmLoop, memory: MemoryLimits): Uint8Array<ArrayBuffer> => {
  const m = new ModuleBuilder().importMemory("env", "memory", memory)
  const nParams = loop.buffers + loop.outputs.length
  m.func("run", new Array(nParams).fill(I32), [], (f) => body(f, loop))
  return m.bytes()
}

const body = (f: Body, loop: WasmLoop): void => {
  const { shape, operands, eqns, outputs } = loop
  const r = shape.length,
    inner = r - 1,
    n = shape[inner]!
  const buf = (b: number) => f.param(b, I32)
  const out = (k: number) => f.param(loop.buffers + k, I32)
  const idx = Array.from({ length: inner }, () => f.local(I32))
  const j = f.local(I32)
  // per array operand: its row's byte address; per output: its row's byte address
  const rowAt = operands.map((o) => (o.kind === "array" ? f.local(I32) : undefined))
  const outAt = outputs.map(() => f.local(I32))
  const nv = operands.length + eqns.length
  const vec = Array.from({ length: nv }, () => f.local(V128))
  const sca = Array.from({ length: nv }, (_, v) =>
    v >= operands.length && compares.has(eqns[v - operands.length]!.op) ? f.local(I32) : f.local(F32),
  )
  const addr = f.local(I32)

  const rowBody = () => {
    // row addresses
    operands.forEach((o, k) => {
      if (o.kind !== "array") return
      f.get(buf(o.buf))
        .i32Const(4 * o.offset)
        .i32Add()
      for (let d = 0; d < inner; d++)
        if (o.strides[d] !== 0)
          f.get(idx[d]!)
            .i32Const(4 * o.strides[d]!)
            .i32Mul()
            .i32Add()
      f.set(rowAt[k]!)
    })
    outputs.forEach((_, m) => {
      f.get(out(m))
      for (let d = 0; d < inner; d++)
        f.get(idx[d]!)
          .i32Const(4 * shape.slice(d + 1).reduce((a, b) => a * b, 1))
          .i32Mul()
          .i32Add()
      f.set(outAt[m]!)
    })
    // operands constant along the row: splat once
    operands.forEach((o, k) => {
      if (o.kind === "const") {
        f.f32Const(o.value).set(sca[k]!)
        f.get(sca[k]!).f32x4Splat().set(vec[k]!)
      } else if (o.strides[inner] === 0) {
        f.get(rowAt[k]!).f32Load().set(sca[k]!)
        f.get(sca[k]!).f32x4Splat().set(vec[k]!)
      }
    })
    const n4 = n - (n % 4)
    // four lanes at a time
    f.for(j, 0, n4, 4, () => {
      operands.forEach((o, k) => {
        if (o.kind !== "array") return
        const s = o.strides[inner]!
        if (s === 0) return
        if (s === 1) f.get(rowAt[k]!).get(j).i32Const(4).i32Mul().i32Add().v128Load(0).set(vec[k]!)
        else {
          // a strided (transposed) operand: four scalar loads
          f.get(rowAt[k]!)
            .get(j)
            .i32Const(4 * s)
            .i32Mul()
            .i32Add()
            .set(addr)
          f.get(addr).f32Load(0).f32x4Splat()
          for (let l = 1; l < 4; l++)
            f.get(addr)
              .f32Load(4 * s * l)
              .f32x4ReplaceLane(l)
          f.set(vec[k]!)
        }
      })
      eqns.forEach((e, i) => {
        emitOp(f, e, true, (v) => f.get(vec[v]!))
        f.set(vec[operands.length + i]!)
      })
      outputs.forEach((v, m) => f.get(outAt[m]!).get(j).i32Const(4).i32Mul().i32Add().get(vec[v]!).v128Store(0))
    })
    // the tail, one element at a time
    if (n4 < n)
      f.for(j, n4, n, 1, () => {
        operands.forEach((o, k) => {
          if (o.kind !== "array" || o.strides[inner] === 0) return
          f.get(rowAt[k]!)
            .get(j)
            .i32Const(4 * o.strides[inner]!)
            .i32Mul()
            .i32Add()
            .f32Load(0)
            .set(sca[k]!)
        })
        eqns.forEach((e, i) => {
          emitOp(f, e, false, (v) => f.get(sca[v]!))
          f.set(sca[operands.length + i]!)
        })
        outputs.forEach((v, m) => f.get(outAt[m]!).get(j).i32Const(4).i32Mul().i32Add().get(sca[v]!).f32Store(0))
      })
  }
  const nest = (d: number) => {
    if (d === inner) return rowBody()
    f.for(idx[d]!, 0, shape[d]!, 1, () => nest(d + 1))
  }
  nest(0)
}

/** The arithmetic operations: lanes, and one f32. */
const arith: Record<string, readonly [(f: Body) => Body, (f: Body) => Body]> = {
  neg: [(f) => f.f32x4Neg(), (f) => f.f32Neg()],
  abs: [(f) => f.f32x4Abs(), (f) => f.f32Abs()],
  sqrt: [(f) => f.f32x4Sqrt(), (f) => f.f32Sqrt()],
  add: [(f) => f.f32x4Add(), (f) => f.f32Add()],
  sub: [(f) => f.f32x4Sub(), (f) => f.f32Sub()],
  mul: [(f) => f.f32x4Mul(), (f) => f.f32Mul()],
  div: [(f) => f.f32x4Div(), (f) => f.f32Div()],
}

/** Push equation `e`'s result (its inputs pushed by `arg`): lanes when `simd`, else one f32 (or an i32 0/1 for a comparison). */
const emitOp = (f: Body, e: WasmEqn, simd: boolean, arg: (v: number) => void): void => {
  const [a, b, c] = e.inputs as [number, number, number]
  const lane = simd ? 0 : 1
  if (e.op.startsWith("compare.")) {
    const op = e.op.slice(8) as CompareOp
    arg(a)
    arg(b)
    if (simd) f.f32x4Compare(op)
    else f.f32Compare(op)
  } else if (e.op === "cast.f32") arg(a)
  else if (e.op === "max" || e.op === "min") {
    // eager's rule: a ≥ b (a ≤ b for min) or a is NaN ? a : b, as a select on that condition
    const keep: CompareOp = e.op === "max" ? "ge" : "le"
    for (const v of [a, b, a, b]) arg(v)
    if (simd) f.f32x4Compare(keep)
    else f.f32Compare(keep)
    arg(a)
    arg(a)
    if (simd) f.f32x4Compare("ne").v128Or().v128Bitselect()
    else f.f32Compare("ne").i32Or().select()
  } else if (e.op === "where") {
    // a mask (lanes) or a 0/1 (scalar) picks b where set, c elsewhere
    for (const v of [b, c, a]) arg(v)
    if (simd) f.v128Bitselect()
    else f.select()
  } else {
    e.inputs.forEach(arg)
    arith[e.op]![lane]!(f)
  }
}
