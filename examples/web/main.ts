/**
 * The demo page's script: the heat plate simulated on the best device the browser offers, drawn
 * every few steps with the `hot` colormap, then the facility-location problem solved by gradient
 * descent with the centre and the loss curve animated. Served by `npm run demo:web`.
 */
import { Effect } from "effect"
import * as tg from "../../src/index.js"

type Kind = "cpu" | "webgpu"
type Grid = tg.Tensor<[100, 100], "f32", Kind>

const $ = (id: string): HTMLElement => document.getElementById(id)!
const STEPS = 500
const DRAW_EVERY = 10

/**
 * The best device: a hardware WebGPU adapter, else the CPU (a software adapter such as SwiftShader
 * is slower than the CPU backend). `?device=cpu` or `?device=webgpu` forces one.
 */
const bestDevice = async (): Promise<{ device: tg.Device<Kind>; why: string }> => {
  const forced = new URLSearchParams(location.search).get("device")
  if (forced === "cpu") return { device: tg.cpu, why: "forced by ?device=cpu" }
  const adapter = navigator.gpu === undefined ? null : await navigator.gpu.requestAdapter().catch(() => null)
  if (adapter === null) return { device: tg.cpu, why: navigator.gpu === undefined ? "navigator.gpu is undefined" : "no WebGPU adapter" }
  if (adapter.info.isFallbackAdapter && forced !== "webgpu") return { device: tg.cpu, why: "only a software WebGPU adapter" }
  try {
    return { device: await tg.acquireWebGpu(), why: forced === "webgpu" ? "forced by ?device=webgpu" : "hardware adapter" }
  } catch (e) {
    return { device: tg.cpu, why: String(e) }
  }
}

/** matplotlib's `hot`: black → red → yellow → white over [0, 1]. */
const hot = (x: number): [number, number, number] => {
  const c = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)))
  return [c(x / 0.365), c((x - 0.365) / 0.375), c((x - 0.74) / 0.26)]
}

const draw = (ctx: CanvasRenderingContext2D, data: ArrayLike<number>) => {
  const img = ctx.createImageData(100, 100)
  for (let i = 0; i < 100 * 100; i++) {
    const [r, g, b] = hot(data[i]! / 100)
    img.data.set([r, g, b, 255], 4 * i)
  }
  ctx.putImageData(img, 0, 0)
}

const heatStep = (grid: Grid): Grid => {
  const lap = grid
    .slice("2:, 1:-1")
    .add(grid.slice(":-2, 1:-1"))
    .add(grid.slice("1:-1, 2:"))
    .add(grid.slice("1:-1, :-2"))
    .sub(grid.slice("1:-1, 1:-1").mul(4))
  return grid.at("1:-1, 1:-1").add(lap.mul(0.01))
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()))

const runHeat = async (device: tg.Device<Kind>): Promise<number> => {
  const ctx = ($("heat") as HTMLCanvasElement).getContext("2d")!
  const step = tg.jit(heatStep)
  let grid: Grid = tg.to(tg.zeros([100, 100]).at("45:55, 45:55").set(100), device)
  for (let i = 1; i <= STEPS; i++) {
    grid = step(grid)
    if (i % DRAW_EVERY === 0 || i === STEPS) {
      draw(ctx, await Effect.runPromise(grid.data()))
      $("step").textContent = String(i)
      await frame()
    }
  }
  const [centre] = await Effect.runPromise(grid.slice("50, 50").reshape([1]).data())
  return centre!
}

/** Cities at (0, 0), (10, 0) and (0, 10); the centre minimises its summed distance to them. */
const runFacility = async (): Promise<void> => {
  const cities = tg.tensor([
    [0, 0],
    [10, 0],
    [0, 10],
  ])
  const total = (p: tg.Tensor<[2]>) => cities.sub(p).norm({ axis: 1 }).sum()
  const step = tg.jit(tg.valueAndGrad(total))
  const map = ($("facility") as HTMLCanvasElement).getContext("2d")!
  const plot = ($("loss") as HTMLCanvasElement).getContext("2d")!
  const px = (v: number) => 30 + v * 24
  const losses: number[] = []
  let p = tg.tensor([1, 1])
  for (let i = 0; i < 200; i++) {
    const [loss, g] = step(p)
    losses.push(loss.item())
    p = p.sub(g.mul(0.5))
    if (i % 4 !== 3) continue
    const [x, y] = p.toArraySync()
    map.clearRect(0, 0, 300, 300)
    map.fillStyle = "#333"
    for (const [cx, cy] of cities.toArraySync()) map.fillRect(px(cx!) - 4, 300 - px(cy!) - 4, 8, 8)
    map.fillStyle = "#d33"
    map.beginPath()
    map.arc(px(x!), 300 - px(y!), 6, 0, 2 * Math.PI)
    map.fill()
    plot.clearRect(0, 0, 300, 120)
    plot.beginPath()
    const [lo, hi] = [Math.min(...losses), losses[0]!]
    losses.forEach((l, k) => plot.lineTo((k / 199) * 300, 110 - ((l - lo) / (hi - lo || 1)) * 100))
    plot.stroke()
    $("point").textContent = `(${x!.toFixed(4)}, ${y!.toFixed(4)})`
    $("distance").textContent = losses[losses.length - 1]!.toFixed(4)
    await frame()
  }
}

const main = async () => {
  const { device, why } = await bestDevice()
  $("device").textContent = `${device.name} (${why})`
  const centre = await runHeat(device)
  $("centre").textContent = centre.toFixed(4)
  await runFacility()
  document.body.dataset.done = "true"
}

main().catch((e: unknown) => {
  document.body.dataset.error = String(e)
  console.error(e)
})
