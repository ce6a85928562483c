// typegrad/plot's input types: heatmap takes CPU tensors (a GPU tensor must be read back first),
// nested rows or flat data with a shape. Checked by `tsc -p tsconfig.json` (never run).
import * as tg from "../src/index.js"
import { heatmap, lines } from "../src/plot.js"

declare const onGpu: tg.Tensor<[4, 4], "f32", "webgpu">
heatmap(tg.zeros([4, 4]))
heatmap([[1, 2], [3, 4]])
heatmap({ data: new Float32Array(6), shape: [2, 3] })
// @ts-expect-error: a WebGPU tensor is not host-readable; transfer it to the CPU first
heatmap(onGpu)
lines([{ y: [1, 2] }, { x: [0, 1], y: new Float64Array([3, 4]), mode: "markers" }])
// @ts-expect-error: mode is one of "line" | "markers" | "line+markers"
lines({ y: [1], mode: "dots" })
