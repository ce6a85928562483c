/**
 * jit vs eager on the CPU: a 50-op elementwise function on small tensors, called repeatedly.
 * Run: `npx tsx bench/jit.ts`.
 */
import { cpu } from "../src/device/cpu/index.js"
import { hostConvert } from "../src/ops/core/aval.js"
import { setDefaultDevice } from "../src/ops/core/defaults.js"
import * as lax from "../src/ops/core/lax.js"
import { Tensor, type AnyTensor } from "../src/ops/core/tensor.js"
import { jit } from "../src/grad/jit.js"

setDefaultDevice(cpu)
const tensor = (n: number): AnyTensor => {
  const aval = { shape: [n], dtype: "f32" as const }
  return new Tensor(
    aval,
    cpu,
    cpu.backend.upload(
      hostConvert(
        Array.from({ length: n }, (_, i) => Math.sin(i)),
        "f32",
      ),
      aval,
    ),
  )
}

/** 50 elementwise primitives: 10 × (sub, tanh, mul, mul, sin, add). Scalars are created once. */
const f = (x: AnyTensor, y: AnyTensor): AnyTensor => {
  let z = x
  for (let i = 0; i < 10; i++) z = lax.add(lax.mul(lax.tanh(lax.sub(z, y)), 0.5), lax.sin(lax.mul(z, 1.5)))
  return z
}

/** 50 arithmetic primitives: 10 × (sub, mul, add, mul, div); per-op overhead dominates. */
const g = (x: AnyTensor, y: AnyTensor): AnyTensor => {
  let z = x
  for (let i = 0; i < 10; i++) z = lax.div(lax.mul(lax.add(lax.mul(lax.sub(z, y), 0.5), x), z), y)
  return z
}

const time = (label: string, g: () => unknown, iters: number): number => {
  for (let i = 0; i < Math.min(iters, 200); i++) g() // warm up
  const t0 = performance.now()
  for (let i = 0; i < iters; i++) g()
  const us = ((performance.now() - t0) / iters) * 1000
  console.log(`${label.padEnd(34)} ${us.toFixed(1).padStart(9)} µs/call`)
  return us
}

for (const [name, fn] of [
  ["tanh/sin chain", f],
  ["arithmetic chain", g],
] as const)
  for (const n of [16, 1024, 65536]) {
    const x = tensor(n),
      y = lax.add(tensor(n), 2)
    const iters = n <= 1024 ? 5000 : 200
    console.log(`\n${name}: ${n} elements, 50 ops`)
    const eager = time("eager", () => fn(x, y), iters)
    const replay = time("jit (replay, no fusion)", jit(fn, { compile: false }).bind(null, x, y), iters)
    const fused = time("jit (compiled, fused loop)", jit(fn).bind(null, x, y), iters)
    console.log(`speed-up: replay ${(eager / replay).toFixed(1)}x, fused ${(eager / fused).toFixed(1)}x`)
  }
