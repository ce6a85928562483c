/**
 * A perception system as one module: a small conv net estimates depth from an image, pinhole
 * camera intrinsics (a buffer) lift every pixel to a 3-D point, proposal points are sampled, and
 * a PointNet-style detector returns class scores and a box. Trained end to end on synthetic data:
 * gradients reach both sub-modules, never the intrinsics.
 *
 * @since 0.1.0
 */
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import nn = tg.nn

type T = tg.AnyTensor
export const H = 12,
  W = 16,
  CLASSES = 3,
  PROPOSALS = 24

/** PointNet: a shared per-point MLP, a max over points (order-invariant), then two heads. */
export class PointNet extends nn.Module {
  constructor(
    readonly mlp: nn.Sequential<readonly [nn.Linear<3, 32>, nn.ReLU, nn.Linear<32, 64>, nn.ReLU]>,
    readonly cls: nn.Linear<64, typeof CLASSES>,
    readonly box: nn.Linear<64, 7>,
  ) {
    super()
  }
  /** points `[number, P, 3]` → class scores `[number, C]` and a box `[number, 7]` (centre, size, yaw). */
  call(points: tg.Tensor<[number, number, 3]>): [tg.Tensor<[number, typeof CLASSES]>, tg.Tensor<[number, 7]>] {
    const feats = this.mlp.call(points).max({ axis: 1 }) // [number, 64]
    return [this.cls.call(feats as tg.Tensor<[number, 64]>), this.box.call(feats as tg.Tensor<[number, 64]>)]
  }
}

/** Depth estimator, camera, proposal sampling and detector, trained as one. */
export class Perception extends nn.Module {
  static override readonly buffers = ["intrinsics"]
  constructor(
    readonly depth: nn.Sequential<
      readonly [nn.Conv2d<3, 8, 3, 3, { readonly padding: 1 }>, nn.ReLU, nn.Conv2d<8, 1, 3, 3, { readonly padding: 1 }>]
    >,
    readonly intrinsics: nn.Param<[3, 3]>,
    readonly detector: PointNet,
  ) {
    super()
  }
  /** Depth map `[number, 1, H, W]`, positive (softplus + a near plane at 0.5). */
  depthMap(image: tg.Tensor<[number, 3, typeof H, typeof W]>): tg.Tensor<[number, 1, typeof H, typeof W]> {
    return tg.softplus(this.depth.call(image)).add(0.5)
  }
  /** Back-project every pixel: `X = (u − cx)·d/fx`, `Y = (v − cy)·d/fy`, `Z = d` → `[number, H·W, 3]`. */
  pointCloud(depth: tg.Tensor<[number, 1, typeof H, typeof W]>): tg.Tensor<[number, number, 3]> {
    const K = this.intrinsics as T
    const [fx, fy, cx, cy] = [K.slice("0, 0"), K.slice("1, 1"), K.slice("0, 2"), K.slice("1, 2")]
    // pixel coordinates, made where the intrinsics live (the CPU or a GPU)
    const u = tg.tensor(
      Float32Array.from({ length: H * W }, (_, i) => i % W),
      [H * W],
      { device: K.device },
    ) as T
    const v = tg.tensor(
      Float32Array.from({ length: H * W }, (_, i) => Math.floor(i / W)),
      [H * W],
      { device: K.device },
    ) as T
    const d = (depth as T).reshape([-1, H * W])
    const X = u.sub(cx).mul(d).div(fx),
      Y = v.sub(cy).mul(d).div(fy)
    return tg.stack([X, Y, d], -1) as never
  }
  /** Proposal points: a regular subsample of the cloud (every (H·W / P)-th pixel). */
  proposals(cloud: tg.Tensor<[number, number, 3]>): tg.Tensor<[number, number, 3]> {
    return (cloud as T).slice(`:, ::${(H * W) / PROPOSALS}`) as never
  }
  call(image: tg.Tensor<[number, 3, typeof H, typeof W]>): [tg.Tensor<[number, typeof CLASSES]>, tg.Tensor<[number, 7]>] {
    return this.detector.call(this.proposals(this.pointCloud(this.depthMap(image))))
  }
}

/** A Perception module initialised from `key`, with a 64-pixel focal length camera. */
export const perception = (key: tg.Key): Perception => {
  const k = tg.split(key, 6)
  return new Perception(
    nn.sequential(nn.conv2d(k[0]!, 3, 8, 3, { padding: 1 }), nn.relu(), nn.conv2d(k[1]!, 8, 1, 3, { padding: 1 })),
    tg.tensor([
      [64, 0, W / 2],
      [0, 64, H / 2],
      [0, 0, 1],
    ]) as nn.Param<[3, 3]>,
    new PointNet(
      nn.sequential(nn.linear(k[2]!, 3, 32), nn.relu(), nn.linear(k[3]!, 32, 64), nn.relu()),
      nn.linear(k[4]!, 64, CLASSES),
      nn.linear(k[5]!, 64, 7),
    ),
  )
}

/** Synthetic scenes: images, class labels and box targets (a fixed batch). */
export const scenes = (key: tg.Key, batch: number) => {
  const [ki, kb] = tg.split(key)
  const images = tg.normal(ki!, [batch, 3, H, W]) as tg.Tensor<[number, 3, typeof H, typeof W]>
  const labels = tg.tensor(
    Array.from({ length: batch }, (_, i) => i % CLASSES),
    { dtype: "i32" },
  ) as tg.Tensor<[number], "i32">
  const boxes = tg.uniform(kb!, [batch, 7], { low: -1, high: 1 }) as tg.Tensor<[number, 7]>
  return { images, labels, boxes }
}

/** Detection loss: cross-entropy on the classes plus smooth L1 on the box. */
export const loss = (
  m: Perception,
  images: tg.Tensor<[number, 3, typeof H, typeof W]>,
  labels: tg.Tensor<[number], "i32">,
  boxes: tg.Tensor<[number, 7]>,
) => {
  const [scores, box] = m.call(images)
  return nn.crossEntropy(scores, labels).add(nn.smoothL1(box, boxes))
}

const sgd = <M>(p: M, g: M, lr: number): M => tg.Tree.zipWith(p, g, (a, b) => a.sub(b.mul(lr)))

/** One SGD step on the trainable parameters (the intrinsics are a buffer: left out). */
export const trainStep = tg.jit(
  (
    m: Perception,
    images: tg.Tensor<[number, 3, typeof H, typeof W]>,
    labels: tg.Tensor<[number], "i32">,
    boxes: tg.Tensor<[number, 7]>,
  ) => {
    const [params, rest] = nn.partition(m, nn.isTrainable)
    const [value, grads] = tg.valueAndGrad((p: Perception) => loss(nn.combine(p, rest), images, labels, boxes))(params)
    return [value, nn.combine(sgd(params, grads, 0.2), rest), grads] as const
  },
)

/** Run the example: print the tree, train a few steps, report the losses and where gradients went. */
export const main = (options: { readonly log?: (line: string) => void; readonly steps?: number } = {}) => {
  const log = options.log ?? console.log
  let model = perception(tg.key(0))
  for (const [k, p] of nn.namedParameters(model)) log(`${k} [${p.shape.join(", ")}]`)
  for (const [k, b] of nn.namedBuffers(model)) log(`buffer ${k} [${b.shape.join(", ")}]`)
  const { images, labels, boxes } = scenes(tg.key(1), 6)
  const losses: number[] = []
  let gradNorms: Record<string, number> = {}
  for (let s = 0; s < (options.steps ?? 8); s++) {
    const [l, next, grads] = trainStep(model, images, labels, boxes)
    losses.push((l as tg.Tensor<[], "f32", "cpu">).item())
    if (s === 0)
      gradNorms = Object.fromEntries(nn.namedParameters(grads).map(([k, g]) => [k, (g.square().sum().sqrt() as T).item() as number]))
    model = next
  }
  log(`loss: ${losses.map((v) => v.toFixed(4)).join(" → ")}`)
  return { model, losses, gradNorms, gradientPaths: Object.keys(gradNorms) }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main()
