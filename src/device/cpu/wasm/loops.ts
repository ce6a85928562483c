/**
 * Running a fused f32 loop on WebAssembly SIMD (`loop-codegen.ts`): the loop's input registers are
 * copied into the Wasm runtime's memory, the generated `run` computes every output there, and the
 * outputs are copied into their registers. The copies cost far less than the arithmetic they
 * replace once a loop has a few operations per element; small loops stay in JavaScript.
 *
 * @since 0.1.0
 */
import type { HostArray } from "../../../ops/core/aval.js"
import { MAX_PAGES } from "./arena.js"
import { wasmArena } from "./gemm.js"
import { lowerable, wasmLoopModule, type WasmEqn, type WasmOperand } from "./loop-codegen.js"

/** Below this many elements a fused loop stays in JavaScript (the call and copies would not pay). */
export const WASM_LOOP_MIN = 4096

/** An operand as the fused-loop generator sees it after merging axes: a constant, or register `slot` at `offset + Σ i·strides`. */
export type LoopOperand =
  | { readonly kind: "const"; readonly value: number }
  | { readonly kind: "array"; readonly slot: number; readonly offset: number; readonly strides: ReadonlyArray<number> }

/** A compiled Wasm loop: `run(R)` computes the outputs into their registers, or returns false (nothing written) when the memory cannot hold it. */
export type WasmLoopFn = (R: Array<HostArray | undefined>) => boolean

/**
 * The Wasm version of a fused loop over the merged `shape`, or undefined when it does not apply:
 * Wasm off, too small, an operation without a lowering. Every operand must be an f32 register
 * (the caller checks dtypes and pads); `outputs` are (value, register slot, reused buffer or not).
 */
export const wasmLoop = (
  shape: ReadonlyArray<number>,
  operands: ReadonlyArray<LoopOperand>,
  eqns: ReadonlyArray<WasmEqn>,
  outputs: ReadonlyArray<{ readonly value: number; readonly slot: number; readonly reuse?: Float32Array }>,
): WasmLoopFn | undefined => {
  const n = shape.reduce((a, b) => a * b, 1)
  if (n < WASM_LOOP_MIN || outputs.length === 0) return undefined
  if (
    !lowerable(
      operands.length,
      eqns,
      outputs.map((o) => o.value),
    )
  )
    return undefined
  const arena = wasmArena()
  if (arena === undefined) return undefined
  const slots: number[] = []
  const ops: WasmOperand[] = operands.map((o) => {
    if (o.kind === "const") return o
    let b = slots.indexOf(o.slot)
    if (b < 0) b = slots.push(o.slot) - 1
    return { kind: "array", buf: b, offset: o.offset, strides: o.strides }
  })
  let run: (...addrs: number[]) => void
  try {
    const bytes = wasmLoopModule(
      { shape, buffers: slots.length, operands: ops, eqns, outputs: outputs.map((o) => o.value) },
      { initial: 1, maximum: MAX_PAGES, shared: arena.shared },
    )
    run = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: arena.memory } }).exports.run as typeof run
  } catch {
    // an engine that refuses the module (a browser's limit on synchronous compiles): the JS loop
    return undefined
  }
  const addrs = new Array<number>(slots.length + outputs.length)
  return (R) => {
    arena.reset()
    for (let b = 0; b < slots.length; b++) {
      const x = R[slots[b]!] as Float32Array
      const at = arena.reserve(4 * x.length)
      if (at === undefined) return false
      arena.f32(at, x.length).set(x)
      addrs[b] = at
    }
    for (let m = 0; m < outputs.length; m++) {
      const at = arena.reserve(4 * n)
      if (at === undefined) return false
      addrs[slots.length + m] = at
    }
    run(...addrs)
    for (let m = 0; m < outputs.length; m++) {
      const o = outputs[m]!
      const y = o.reuse ?? new Float32Array(n)
      y.set(arena.f32(addrs[slots.length + m]!, n))
      R[o.slot] = y
    }
    return true
  }
}
