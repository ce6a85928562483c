// The type-level error messages, seen through the compilers: a generated file of intentional
// mistakes is compiled by TypeScript 5.9 and 7, and each mistake's diagnostic must carry the
// exact message (naming the op and the shapes). Each case also runs on `number`-dim tensors, where
// the runtime twin must throw the same text — one table for both sides.
import { execFile } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { promisify } from "node:util"
import { afterAll, describe, expect, test } from "vitest"
import * as tg from "../src/index.js"

interface Case {
  /** a statement that must not compile */
  readonly code: string
  /** the message its diagnostic must contain */
  readonly message: string
  /** the same mistake on number dims (omitted where the run-time error differs by design) */
  readonly run?: () => unknown
}
const z = (...s: number[]) => tg.zeros(s as number[])
const cases: ReadonlyArray<Case> = [
  { code: "tg.matmul(tg.zeros([2, 3]), tg.zeros([4, 5]))", message: "matmul: inner dimensions differ for [2, 3] @ [4, 5] (3 vs 4)", run: () => tg.matmul(z(2, 3), z(4, 5)) },
  { code: "tg.zeros([2, 3]).matmul(tg.zeros([4, 5]))", message: "matmul: inner dimensions differ for [2, 3] @ [4, 5] (3 vs 4)", run: () => z(2, 3).matmul(z(4, 5)) },
  { code: "tg.zeros([2, 3]).reshape([7])", message: "reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)", run: () => z(2, 3).reshape([7]) },
  { code: "tg.reshape(tg.zeros([2, 3]), [7])", message: "reshape: cannot reshape [2, 3] (6 elements) into [7] (7 elements)", run: () => tg.reshape(z(2, 3), [7]) },
  { code: "tg.zeros([2, 3]).add(tg.zeros([4]))", message: "add: cannot broadcast [2, 3] with [4] (dim 3 vs 4)", run: () => z(2, 3).add(z(4)) },
  { code: "tg.mul(tg.zeros([2, 3]), tg.zeros([2]))", message: "mul: cannot broadcast [2, 3] with [2] (dim 3 vs 2)", run: () => tg.mul(z(2, 3), z(2)) },
  { code: "tg.zeros([2, 3]).slice(\"5\")", message: "slice: index 5 out of range for dim 0 of size 2 in [2, 3]", run: () => z(2, 3).slice("5") },
  { code: "tg.zeros([2, 3]).slice(\"0, 0, 0\")", message: "slice: too many indices (3) for [2, 3] of rank 2", run: () => z(2, 3).slice("0, 0, 0") },
  { code: "tg.zeros([10]).slice(\"::-1\")", message: "slice: step must be positive, got -1", run: () => z(10).slice("::-1") },
  { code: "tg.zeros([2, 3]).at(\":, 1\").set(tg.zeros([3]))", message: "expand: cannot expand [3] to [2] (dim 3 vs 2)", run: () => z(2, 3).at(":, 1").set(z(3)) },
  { code: "tg.sum(tg.zeros([2, 3]), { axis: 2 })", message: "sum: axis 2 out of range for rank 2", run: () => tg.sum(z(2, 3), { axis: 2 }) },
  { code: "tg.zeros([2, 3]).mean({ axis: -3 })", message: "mean: axis -3 out of range for rank 2", run: () => z(2, 3).mean({ axis: -3 }) },
  { code: "tg.zeros([2, 3]).sum(2)", message: "sum: axis 2 out of range for rank 2", run: () => z(2, 3).sum(2) },
  { code: "tg.transpose(tg.zeros([2, 3]), 0, 2)", message: "transpose: axis 2 out of range for rank 2", run: () => tg.transpose(z(2, 3), 0, 2) },
  { code: "tg.zeros([2, 3]).unsqueeze(4)", message: "unsqueeze: axis 4 out of range for rank 3", run: () => z(2, 3).unsqueeze(4) },
  { code: "tg.zeros([2, 3]).permute([0, 0])", message: "permute: axis 0 repeated in [0, 0]", run: () => z(2, 3).permute([0, 0]) },
  { code: "tg.dot(tg.zeros([3]), tg.zeros([4]))", message: "dot: sizes differ for [3] and [4] (3 vs 4)", run: () => tg.dot(z(3), z(4)) },
  { code: "tg.concat([tg.zeros([2, 3]), tg.zeros([2, 4])])", message: "concat: tensor 1 [2, 4] differs from [2, 3] at dim 1 (3 vs 4)", run: () => tg.concat([z(2, 3), z(2, 4)]) },
  { code: "tg.conv2d(tg.zeros([1, 3, 5, 5]), tg.zeros([2, 4, 3, 3]))", message: "conv2d: input has 3 channels but weight [2, 4, 3, 3] expects 4", run: () => tg.conv2d(z(1, 3, 5, 5), z(2, 4, 3, 3)) },
  { code: "tg.solve(tg.zeros([3, 3]), tg.zeros([4]))", message: "solve: [3, 3] cannot solve a right-hand side [4] (3 vs 4)", run: () => tg.solve(z(3, 3), z(4)) },
  { code: "tg.solve(tg.zeros([2, 3, 3]), tg.zeros([4, 3, 1]))", message: "solve: batch axes of [2, 3, 3] and [4, 3, 1] do not broadcast", run: () => tg.solve(z(2, 3, 3), z(4, 3, 1)) },
  { code: "tg.inv(tg.zeros([2, 3]))", message: "inv: needs square matrices [..., n, n], got [2, 3]", run: () => tg.inv(z(2, 3)) },
  { code: "tg.det(tg.zeros([3]))", message: "det: needs square matrices [..., n, n], got [3]", run: () => tg.det(z(3)) },
  { code: "tg.pad(tg.zeros([1, 2, 3]), [[1, 1], [1, 1]])", message: "pad: 2 pad pairs for [1, 2, 3] of rank 3 (one pair, or one per axis)", run: () => tg.pad(z(1, 2, 3), [[1, 1], [1, 1]]) },
  { code: "tg.einsum(\"bij,bjk->bik\", tg.zeros([8, 2, 3]), tg.zeros([8, 4, 5]))", message: "einsum: letter j has two sizes (3 vs 4)", run: () => tg.einsum("bij,bjk->bik", z(8, 2, 3), z(8, 4, 5)) },
  { code: "tg.einsum(\"ij,jk->ik\", tg.zeros([2, 3]), tg.zeros([3]))", message: "einsum: operand 1 'jk' has 2 letters but rank 1", run: () => tg.einsum("ij,jk->ik", z(2, 3), z(3)) },
  { code: "tg.conv1d(tg.zeros([2, 4, 10]), tg.zeros([6, 3, 3]))", message: "conv1d: input has 4 channels but weight [6, 3, 3] expects 3", run: () => tg.conv1d(z(2, 4, 10), z(6, 3, 3)) },
  { code: "tg.conv3d(tg.zeros([1, 1, 2, 4, 4]), tg.zeros([1, 1, 3, 1, 1]))", message: "conv3d: kernel 3 larger than padded depth 2", run: () => tg.conv3d(z(1, 1, 2, 4, 4), z(1, 1, 3, 1, 1)) },
  { code: "tg.conv2d(tg.zeros([1, 1, 4, 4]), tg.zeros([1, 1, 3, 3]), { padding: [[0, 0], [0, 0]], dilation: 2 })", message: "conv2d: kernel 3 (dilated to 5) larger than padded height 4",
    run: () => tg.conv2d(z(1, 1, 4, 4), z(1, 1, 3, 3), { padding: [[0, 0], [0, 0]], dilation: 2 }) },
  { code: "tg.convTranspose2d(tg.zeros([1, 3, 4, 4]), tg.zeros([2, 4, 3, 3]))", message: "convTranspose2d: input has 3 channels but weight [2, 4, 3, 3] expects 2",
    run: () => tg.convTranspose2d(z(1, 3, 4, 4), z(2, 4, 3, 3)) },
  { code: "tg.reduceWindow(tg.zeros([3]), \"max\", [4])", message: "reduceWindow: kernel 4 larger than padded axis 0 size 3", run: () => tg.reduceWindow(z(3), "max", [4]) },
  { code: "tg.vstack([tg.zeros([2, 3]), tg.zeros([2, 4])])", message: "concat: tensor 1 [2, 4] differs from [2, 3] at dim 1 (3 vs 4)" },
  { code: "tg.maxPool2d(tg.zeros([1, 1, 2, 2]), 3)", message: "maxPool2d: kernel 3 larger than padded height 2", run: () => tg.maxPool2d(z(1, 1, 2, 2), 3) },
  { code: "tg.matmul(tg.zeros([2, 3]), tg.zeros([3, 2], { dtype: \"f64\" }))", message: "matmul: dtype mismatch (f32 vs f64)",
    run: () => tg.matmul(z(2, 3), tg.zeros([3, 2] as number[], { dtype: "f64" }) as unknown as tg.Tensor<number[]>) },
  // layers: the call's type computes the output shape; a wrong input names the layer and both shapes
  { code: "tg.nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }).call(tg.zeros([8, 4, 32, 32]))", message: "Conv2d: expected input [N, 3, H, W], got [8, 4, 32, 32]",
    run: () => tg.nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }).call(z(8, 4, 32, 32)) },
  { code: "tg.nn.linear(tg.key(0), 3, 4).call(tg.zeros([8, 5]))", message: "Linear: expected input [..., 3], got [8, 5]", run: () => tg.nn.linear(tg.key(0), 3, 4).call(z(8, 5)) },
  { code: "tg.nn.batchNorm2d(16).call(tg.zeros([8, 32, 4, 4]))", message: "BatchNorm2d: expected input [N, 16, H, W], got [8, 32, 4, 4]", run: () => tg.nn.batchNorm2d(16).call(z(8, 32, 4, 4)) },
  { code: "tg.nn.sequential(tg.nn.linear(tg.key(0), 3, 4), tg.nn.relu(), tg.nn.linear(tg.key(1), 5, 2))",
    message: "sequential: junction 1 → 2 (ReLU → Linear): output [B, 4] does not fit input [B, 5]" },
  { code: "tg.nn.sequential(tg.nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }), tg.nn.batchNorm2d(32), tg.nn.relu())",
    message: "sequential: junction 0 → 1 (Conv2d → BatchNorm2d): output [B, 16, ?, ?] does not fit input [B, 32, H, W]" },
  // the run-time DeviceMismatch says more (how to move tensors), so only the compile-time text is pinned here
  { code: "tg.matmul(tg.zeros([3, 2]), gpu)", message: "matmul: device mismatch (cpu vs webgpu)" },
  { code: "tg.zeros([2, 3]).add(gpu)", message: "add: device mismatch (cpu vs webgpu)" },
]

const header = [
  `import * as tg from "../../../src/index.js"`,
  `declare const gpu: tg.Tensor<[2, 3], "f32", "webgpu">`,
]
const source = `${[...header, ...cases.map((c) => `${c.code}`)].join("\n")}\n`
const lineOf = (i: number) => header.length + i + 1

// inside node_modules so that the project's types and packages resolve as for any file of the repo
const dir = resolve("node_modules/.cache", `typegrad-messages-${process.pid}`)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const run = promisify(execFile)
/** Diagnostics (with their indented continuation lines) keyed by line number. */
async function compile(tsc: string): Promise<Map<number, string>> {
  let out = ""
  try {
    await run("node", [resolve("node_modules", tsc, "bin/tsc"), "-p", join(dir, "tsconfig.json")], { encoding: "utf8", maxBuffer: 1 << 26 })
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string }
    out = `${err.stdout ?? ""}${err.stderr ?? ""}`
  }
  const byLine = new Map<number, string>()
  let current = -1
  for (const l of out.split("\n")) {
    const m = l.match(/errors\.ts\((\d+),\d+\): error/)
    if (m) current = Number(m[1])
    if (current >= 0) byLine.set(current, `${byLine.get(current) ?? ""}${l}\n`)
  }
  return byLine
}

describe("type-level error messages name the op and the shapes", () => {
  test("under TypeScript 5.9 and 7, every mistake gives its exact message and nothing else fails", { timeout: 90_000 }, async () => {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, "errors.ts"), source)
    // TS 7 takes files only with --ignoreConfig; a tsconfig that extends the project's serves both
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../../tsconfig.json", compilerOptions: { pretty: false, noEmit: true }, include: [], files: ["errors.ts"] }))
    const [ts59, ts7] = await Promise.all([compile("typescript"), compile("ts7")])
    for (const [name, diags] of [["TS 5.9", ts59], ["TS 7", ts7]] as const) {
      const expected = new Set(cases.map((_, i) => lineOf(i)))
      const stray = [...diags.entries()].filter(([line]) => !expected.has(line)).map(([, d]) => d)
      expect(stray, `${name}: diagnostics outside the intentional mistakes`).toEqual([])
      cases.forEach((c, i) => {
        const d = diags.get(lineOf(i)) ?? "(no diagnostic)"
        expect(d, `${name}: ${c.code}`).toContain(`"${c.message}"`)
      })
    }
  })

  for (const c of cases.filter((c) => c.run !== undefined))
    test(`run time, same text: ${c.message}`, () => {
      expect(c.run!).toThrow(c.message)
      let msg = ""
      try {
        c.run!()
      } catch (e) {
        msg = (e as Error).message
      }
      expect(msg).toBe(c.message)
    })
})
