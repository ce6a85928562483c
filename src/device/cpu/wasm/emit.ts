/**
 * A small typed WebAssembly binary emitter: a module builder (types, imports, functions, memory,
 * exports) and a function-body builder with one method per opcode the CPU kernels use (integer
 * and f32 scalar ops, structured control flow, SIMD128 `f32x4`, relaxed-SIMD FMA). Kernels are
 * generated from TypeScript at run time, so nothing has to be compiled at install.
 *
 * @since 0.1.0
 */
import { InternalError } from "../../../errors.js"

/** Value types, by their binary encoding. */
export const I32 = 0x7f,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128

/** A local (or parameter) of a known value type; the brand keeps a v128 local out of an i32 slot. */
export interface Local<T extends ValType> {
  readonly index: number
  readonly type: T
}

/** Unsigned LEB128 of a non-negative integer below 2^32. */
export const uleb = (out: number[], v: number): void => {
  v >>>= 0
  do {
    let b = v & 0x7f
    v >>>= 7
    if (v !== 0) b |= 0x80
    out.push(b)
  } while (v !== 0)
}

/** Signed LEB128 of an integer in the i32 range. */
export const sleb = (out: number[], v: number): void => {
  v |= 0
  for (;;) {
    const b = v & 0x7f
    v >>= 7
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return void out.push(b)
    out.push(b | 0x80)
  }
}

const utf8 = (out: number[], s: string): void => {
  const b = new TextEncoder().encode(s)
  uleb(out, b.length)
  for (const x of b) out.push(x)
}

/** The six IEEE comparisons. */
export type CompareOp = "eq" | "ne" | "lt" | "gt" | "le" | "ge"

/** A block's result: none, or one value type. */
export type BlockType = ValType | "void"

/**
 * A function body under construction. Each method appends one instruction; the caller keeps the
 * operand stack balanced (the engine validates the module when it compiles it).
 */
export class Body {
  readonly code: number[] = []
  readonly #locals: ValType[] = []
  constructor(readonly params: ReadonlyArray<ValType>) {}

  /** Parameter `i` as a typed local. */
  param<T extends ValType>(i: number, type: T): Local<T> {
    if (this.params[i] !== type) throw new InternalError({ message: `wasm emit: parameter ${i} is not of type 0x${type.toString(16)}` })
    return { index: i, type }
  }
  /** A fresh local of `type`. */
  local<T extends ValType>(type: T): Local<T> {
    this.#locals.push(type)
    return { index: this.params.length + this.#locals.length - 1, type }
  }
  /** The locals declaration, grouped into runs of one type. */
  localDecls(): number[] {
    const runs: Array<[number, ValType]> = []
    for (const t of this.#locals) {
      const last = runs[runs.length - 1]
      if (last !== undefined && last[1] === t) last[0]++
      else runs.push([1, t])
    }
    const out: number[] = []
    uleb(out, runs.length)
    for (const [n, t] of runs) uleb(out, n), out.push(t)
    return out
  }

  #op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b)
    return this
  }
  #uop(op: number, v: number): this {
    this.code.push(op)
    uleb(this.code, v)
    return this
  }
  #mem(op: number, align: number, offset: number): this {
    this.code.push(op)
    uleb(this.code, align)
    uleb(this.code, offset)
    return this
  }
  #simd(op: number): this {
    this.code.push(0xfd)
    uleb(this.code, op)
    return this
  }
  #simdMem(op: number, align: number, offset: number): this {
    this.#simd(op)
    uleb(this.code, align)
    uleb(this.code, offset)
    return this
  }

  // control
  block(t: BlockType = "void"): this {
    return this.#op(0x02, t === "void" ? 0x40 : t)
  }
  loop(t: BlockType = "void"): this {
    return this.#op(0x03, t === "void" ? 0x40 : t)
  }
  if(t: BlockType = "void"): this {
    return this.#op(0x04, t === "void" ? 0x40 : t)
  }
  else(): this {
    return this.#op(0x05)
  }
  end(): this {
    return this.#op(0x0b)
  }
  br(depth: number): this {
    return this.#uop(0x0c, depth)
  }
  brIf(depth: number): this {
    return this.#uop(0x0d, depth)
  }
  return(): this {
    return this.#op(0x0f)
  }
  call(func: number): this {
    return this.#uop(0x10, func)
  }
  drop(): this {
    return this.#op(0x1a)
  }

  // locals
  get(l: Local<ValType>): this {
    return this.#uop(0x20, l.index)
  }
  set(l: Local<ValType>): this {
    return this.#uop(0x21, l.index)
  }
  tee(l: Local<ValType>): this {
    return this.#uop(0x22, l.index)
  }

  // memory (align is log2 of the byte alignment hint)
  i32Load(offset = 0): this {
    return this.#mem(0x28, 2, offset)
  }
  f32Load(offset = 0): this {
    return this.#mem(0x2a, 2, offset)
  }
  i32Store(offset = 0): this {
    return this.#mem(0x36, 2, offset)
  }
  f32Store(offset = 0): this {
    return this.#mem(0x38, 2, offset)
  }
  /** memory.fill(dest, value, n) of memory 0 (bulk memory). */
  memoryFill(): this {
    return this.#op(0xfc, 0x0b, 0x00)
  }
  /** memory.copy(dest, src, n) within memory 0 (bulk memory). */
  memoryCopy(): this {
    return this.#op(0xfc, 0x0a, 0x00, 0x00)
  }

  // i32
  i32Const(v: number): this {
    this.code.push(0x41)
    sleb(this.code, v)
    return this
  }
  i32Eqz(): this {
    return this.#op(0x45)
  }
  i32Eq(): this {
    return this.#op(0x46)
  }
  i32Ne(): this {
    return this.#op(0x47)
  }
  i32LtS(): this {
    return this.#op(0x48)
  }
  i32LtU(): this {
    return this.#op(0x49)
  }
  i32GtS(): this {
    return this.#op(0x4a)
  }
  i32LeS(): this {
    return this.#op(0x4c)
  }
  i32GeS(): this {
    return this.#op(0x4e)
  }
  i32GeU(): this {
    return this.#op(0x4f)
  }
  i32Add(): this {
    return this.#op(0x6a)
  }
  i32Sub(): this {
    return this.#op(0x6b)
  }
  i32Mul(): this {
    return this.#op(0x6c)
  }
  i32DivU(): this {
    return this.#op(0x6e)
  }
  i32RemU(): this {
    return this.#op(0x70)
  }
  i32And(): this {
    return this.#op(0x71)
  }
  i32Or(): this {
    return this.#op(0x72)
  }
  i32Shl(): this {
    return this.#op(0x74)
  }
  i32ShrU(): this {
    return this.#op(0x76)
  }
  select(): this {
    return this.#op(0x1b)
  }

  // f32
  f32Const(v: number): this {
    this.code.push(0x43)
    for (const b of new Uint8Array(new Float32Array([v]).buffer)) this.code.push(b)
    return this
  }
  f32Add(): this {
    return this.#op(0x92)
  }
  f32Sub(): this {
    return this.#op(0x93)
  }
  f32Mul(): this {
    return this.#op(0x94)
  }
  f32Div(): this {
    return this.#op(0x95)
  }
  f32Abs(): this {
    return this.#op(0x8b)
  }
  f32Neg(): this {
    return this.#op(0x8c)
  }
  f32Sqrt(): this {
    return this.#op(0x91)
  }
  /** f32 comparison to an i32 0/1: `eq`, `ne`, `lt`, `gt`, `le`, `ge` (IEEE: false on NaN except `ne`). */
  f32Compare(op: CompareOp): this {
    return this.#op({ eq: 0x5b, ne: 0x5c, lt: 0x5d, gt: 0x5e, le: 0x5f, ge: 0x60 }[op])
  }

  // SIMD128
  v128Load(offset = 0): this {
    return this.#simdMem(0x00, 4, offset)
  }
  /** Load one f32 and splat it to all four lanes. */
  v128Load32Splat(offset = 0): this {
    return this.#simdMem(0x09, 2, offset)
  }
  v128Store(offset = 0): this {
    return this.#simdMem(0x0b, 4, offset)
  }
  v128Const(lanes: readonly [number, number, number, number]): this {
    this.#simd(0x0c)
    for (const b of new Uint8Array(new Float32Array(lanes).buffer)) this.code.push(b)
    return this
  }
  /** `i8x16.shuffle` by 32-bit lanes: lane i of the result is lane `lanes[i]` of (a, b) (0–3 from a, 4–7 from b). */
  f32x4Shuffle(lanes: readonly [number, number, number, number]): this {
    this.#simd(0x0d)
    for (const l of lanes) for (let b = 0; b < 4; b++) this.code.push(4 * l + b)
    return this
  }
  f32x4Splat(): this {
    return this.#simd(0x13)
  }
  f32x4ExtractLane(lane: number): this {
    return this.#simd(0x1f).#op(lane)
  }
  f32x4ReplaceLane(lane: number): this {
    return this.#simd(0x20).#op(lane)
  }
  f32x4Add(): this {
    return this.#simd(0xe4)
  }
  f32x4Sub(): this {
    return this.#simd(0xe5)
  }
  f32x4Mul(): this {
    return this.#simd(0xe6)
  }
  f32x4Div(): this {
    return this.#simd(0xe7)
  }
  f32x4Abs(): this {
    return this.#simd(0xe0)
  }
  f32x4Neg(): this {
    return this.#simd(0xe1)
  }
  f32x4Sqrt(): this {
    return this.#simd(0xe3)
  }
  /** Lane-wise f32 comparison to an all-ones / all-zeros lane mask. */
  f32x4Compare(op: CompareOp): this {
    return this.#simd({ eq: 0x41, ne: 0x42, lt: 0x43, gt: 0x44, le: 0x45, ge: 0x46 }[op])
  }
  v128And(): this {
    return this.#simd(0x4e)
  }
  v128Or(): this {
    return this.#simd(0x50)
  }
  /** (a & mask) | (b & ~mask) (stack: a, b, mask). */
  v128Bitselect(): this {
    return this.#simd(0x52)
  }
  /** Relaxed SIMD: a·b + c, fused where the hardware has FMA (stack: a, b, c). */
  f32x4RelaxedMadd(): this {
    return this.#simd(0x105)
  }

  // helpers for structured loops
  /**
   * `for (i = start; i < end; i += step) body()` with `i` an i32 local and `end` a local or
   * constant (signed comparison). `start` and `step` are constants or locals.
   */
  for(
    i: Local<typeof I32>,
    start: number | Local<typeof I32>,
    end: number | Local<typeof I32>,
    step: number | Local<typeof I32>,
    body: () => void,
  ): this {
    const push = (v: number | Local<typeof I32>) => (typeof v === "number" ? this.i32Const(v) : this.get(v))
    push(start).set(i)
    this.block().loop()
    this.get(i)
    push(end)
    this.i32GeS().brIf(1)
    body()
    this.get(i)
    push(step)
    this.i32Add().set(i).br(0).end().end()
    return this
  }
}

interface FuncDef {
  readonly name: string | undefined
  readonly type: number
  readonly body: Body
}

/** Limits of a memory, in 64 KiB pages; `shared` requires a maximum. */
export interface MemoryLimits {
  readonly initial: number
  readonly maximum?: number
  readonly shared?: boolean
}

/** A module under construction: function types are deduplicated, functions export by name. */
export class ModuleBuilder {
  readonly #types: string[] = []
  readonly #typeBytes: number[][] = []
  readonly #funcs: FuncDef[] = []
  #memoryImport: { module: string; name: string; limits: MemoryLimits } | undefined
  #memory: MemoryLimits | undefined
  #exportMemory: string | undefined

  #type(params: ReadonlyArray<ValType>, results: ReadonlyArray<ValType>): number {
    const key = `${params.join(",")}->${results.join(",")}`
    const i = this.#types.indexOf(key)
    if (i >= 0) return i
    const b: number[] = [0x60]
    uleb(b, params.length)
    b.push(...params)
    uleb(b, results.length)
    b.push(...results)
    this.#types.push(key)
    this.#typeBytes.push(b)
    return this.#types.length - 1
  }

  /** Import memory 0 as `module.name`. */
  importMemory(module: string, name: string, limits: MemoryLimits): this {
    this.#memoryImport = { module, name, limits }
    return this
  }
  /** Define memory 0 in the module, optionally exported as `exportAs`. */
  memory(limits: MemoryLimits, exportAs?: string): this {
    this.#memory = limits
    this.#exportMemory = exportAs
    return this
  }

  /**
   * Add a function; `build` fills its body. Returns the function index (for `call`). Exported as
   * `name` when one is given.
   */
  func(name: string | undefined, params: ReadonlyArray<ValType>, results: ReadonlyArray<ValType>, build: (b: Body) => void): number {
    const body = new Body(params)
    build(body)
    this.#funcs.push({ name, type: this.#type(params, results), body })
    return this.#funcs.length - 1
  }

  /** The module's binary encoding. */
  bytes(): Uint8Array<ArrayBuffer> {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
    const section = (id: number, content: number[]) => {
      out.push(id)
      uleb(out, content.length)
      for (const b of content) out.push(b)
    }
    const vec = (items: number[][]) => {
      const c: number[] = []
      uleb(c, items.length)
      for (const it of items) for (const b of it) c.push(b)
      return c
    }
    const limits = (l: MemoryLimits) => {
      const c: number[] = [(l.maximum !== undefined ? 1 : 0) | (l.shared === true ? 2 : 0)]
      uleb(c, l.initial)
      if (l.maximum !== undefined) uleb(c, l.maximum)
      return c
    }
    section(1, vec(this.#typeBytes))
    if (this.#memoryImport !== undefined) {
      const c: number[] = []
      utf8(c, this.#memoryImport.module)
      utf8(c, this.#memoryImport.name)
      c.push(0x02, ...limits(this.#memoryImport.limits))
      section(2, vec([c]))
    }
    section(
      3,
      vec(
        this.#funcs.map((f) => {
          const c: number[] = []
          uleb(c, f.type)
          return c
        }),
      ),
    )
    if (this.#memory !== undefined) section(5, vec([limits(this.#memory)]))
    const exports: number[][] = []
    this.#funcs.forEach((f, i) => {
      if (f.name === undefined) return
      const c: number[] = []
      utf8(c, f.name)
      c.push(0x00)
      uleb(c, i)
      exports.push(c)
    })
    if (this.#exportMemory !== undefined) {
      const c: number[] = []
      utf8(c, this.#exportMemory)
      c.push(0x02, 0x00)
      exports.push(c)
    }
    section(7, vec(exports))
    section(
      10,
      vec(
        this.#funcs.map((f) => {
          const body = [...f.body.localDecls(), ...f.body.code, 0x0b]
          const c: number[] = []
          uleb(c, body.length)
          for (const b of body) c.push(b)
          return c
        }),
      ),
    )
    return new Uint8Array(out)
  }
}
