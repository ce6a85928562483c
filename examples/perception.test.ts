import { describe, expect, it } from "vitest"
import * as tg from "../src/index.js"
import { main, perception, scenes, H, W } from "./perception.js"

describe("examples/perception", () => {
  it("namedParameters shows the whole tree; training lowers the loss; gradients reach both sub-modules and not the intrinsics", () => {
    const lines: string[] = []
    const r = main({ log: (l) => lines.push(l), steps: 4 })
    expect(lines.slice(0, 4)).toEqual([
      "depth.0.weight [8, 3, 3, 3]",
      "depth.0.bias [8]",
      "depth.2.weight [1, 8, 3, 3]",
      "depth.2.bias [1]",
    ])
    expect(lines).toContain("detector.mlp.0.weight [32, 3]")
    expect(lines).toContain("detector.box.bias [7]")
    expect(lines).toContain("buffer intrinsics [3, 3]")
    r.losses.slice(1).forEach((l, i) => expect(l).toBeLessThan(r.losses[i]!))
    expect(r.gradientPaths).not.toContain("intrinsics")
    expect(r.gradientPaths).toHaveLength(12)
    for (const k of ["depth.0.weight", "depth.2.weight", "detector.mlp.0.weight", "detector.cls.weight", "detector.box.weight"])
      expect(r.gradNorms[k], k).toBeGreaterThan(0)
    // the intrinsics are unchanged by training
    expect(tg.nn.stateDict(r.model).intrinsics!.toArraySync()).toEqual([
      [64, 0, W / 2],
      [0, 64, H / 2],
      [0, 0, 1],
    ])
  })
  it("the point cloud follows the pinhole model: X = (u − cx)·d/fx, Y = (v − cy)·d/fy, Z = d", () => {
    const m = perception(tg.key(0))
    const { images } = scenes(tg.key(1), 2)
    const d = m.depthMap(images)
    const cloud = (m.pointCloud(d) as tg.AnyTensor).toArraySync() as number[][][]
    const depth = (d as tg.AnyTensor).toArraySync() as number[][][][]
    for (const [b, v, u] of [
      [0, 0, 0],
      [1, 5, 9],
      [0, H - 1, W - 1],
    ] as const) {
      const z = depth[b]![0]![v]![u]!
      const p = cloud[b]![v * W + u]!
      expect(p[0]).toBeCloseTo(((u - W / 2) * z) / 64, 5)
      expect(p[1]).toBeCloseTo(((v - H / 2) * z) / 64, 5)
      expect(p[2]).toBeCloseTo(z, 6)
    }
  })
})
