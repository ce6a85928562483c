/**
 * Matmul with a transposed operand on the CPU: the MLP Adam step of W5 (784-256-256-10, batch
 * 128, jitted: every Linear reads Wᵀ forward and xᵀ, Wᵀ backward) and a 1024³ product x·Wᵀ
 * against x·W, eager and jitted. Medians of 30 runs after 5 warm-ups, in milliseconds: wall time
 * and the process's CPU time (steadier on a shared machine; equal to wall time on one thread).
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

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const mid = (t: number[]) => {
  t.sort((a, b) => a - b)
  return (t[(t.length - 1) >> 1]! + t[t.length >> 1]!) / 2
}

/** Median wall and CPU time (ms) of `RUNS` calls of `f` after `WARM` warm-ups; `f` must read its result back. */
const median = (f: () => void): [number, number] => {
  for (let i = 0; i < WARM; i++) f()
  const wall: number[] = [],
    cpu: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now(),
      c0 = cpuMs()
    f()
    cpu.push(cpuMs() - c0)
    wall.push(performance.now() - t0)
  }
  return [mid(wall), mid(cpu)]
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
const rows: Array<[string, [number, number]]> = [
  ["MLP Adam step (jit)", mlpMs],
  ["1024 x·W eager", median(() => sync(xw(x, w)))],
  ["1024 x·Wᵀ eager", median(() => sync(xwt(x, w)))],
  ["1024 x·W jit", median(() => sync(jxw(x, w)))],
  ["1024 x·Wᵀ jit", median(() => sync(jxwt(x, w)))],
]
console.log(`threads ${wasmSettings().threads}, wasm mode ${wasmSettings().mode}`)
for (const [name, [wall, cpu]] of rows) console.log(`${name.padEnd(22)} wall ${wall.toFixed(2)} ms  cpu ${cpu.toFixed(2)} ms`)
process.exit(0)
