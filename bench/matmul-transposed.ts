/**
 * Matmul with a transposed operand on the CPU: the MLP Adam step of W5 (784-256-256-10, batch
 * 128, jitted: every Linear reads Wᵀ forward and xᵀ, Wᵀ backward) and a 1024³ product x·Wᵀ
 * against x·W, eager and jitted. Medians of 30 runs after 5 warm-ups, in milliseconds.
 *
 * Run: `tsx bench/matmul-transposed.ts` (`TYPEGRAD_THREADS=1` for one thread).
 */
import * as tg from "../src/index.js"
import * as lax from "../src/ops/core/lax.js"
import { mlp } from "./nets-typegrad.js"
import { wasmSettings } from "../src/device/cpu/wasm/gemm.js"

type T = tg.AnyTensor
const WARM = 5,
  RUNS = 30

/** Median wall time (ms) of `RUNS` calls of `f` after `WARM` warm-ups; `f` must read its result back. */
const median = (f: () => void): number => {
  for (let i = 0; i < WARM; i++) f()
  const t: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    f()
    t.push(performance.now() - t0)
  }
  t.sort((a, b) => a - b)
  return (t[(RUNS - 1) >> 1]! + t[RUNS >> 1]!) / 2
}

const sync = (x: T) => void (x as tg.Tensor<number[], "f32", "cpu">).dataSync()

const rand = (n: number, seed: number) => {
  const x = new Float32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) x[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2
  return x
}

const net = mlp(true)
const mlpMs = median(() => sync(net.step()))

const n = 1024
const x = tg.tensor(rand(n * n, 1), [n, n] as never) as unknown as T,
  w = tg.tensor(rand(n * n, 2), [n, n] as never) as unknown as T
const xw = (a: T, b: T) => lax.matmul(a, b)
const xwt = (a: T, b: T) => lax.matmul(a, lax.mT(b))
const jxw = tg.jit(xw),
  jxwt = tg.jit(xwt)
const rows: Array<[string, number]> = [
  ["MLP Adam step (jit)", mlpMs],
  ["1024 x·W eager", median(() => sync(xw(x, w)))],
  ["1024 x·Wᵀ eager", median(() => sync(xwt(x, w)))],
  ["1024 x·W jit", median(() => sync(jxw(x, w)))],
  ["1024 x·Wᵀ jit", median(() => sync(jxwt(x, w)))],
]
console.log(`threads ${wasmSettings().threads}, wasm mode ${wasmSettings().mode}`)
for (const [name, ms] of rows) console.log(`${name.padEnd(22)} ${ms.toFixed(2)} ms`)
process.exit(0)
