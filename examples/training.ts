/**
 * Layers, trained with `fit`: the Conv → BatchNorm → ReLU block (conv-block.ts) on its batch of
 * eight images, and the perception pipeline (perception.ts) on its synthetic scenes, a few SGD
 * steps each on the best device, with `fit`'s progress output; `out/training.png` shows both loss
 * curves. Run with `npx tsx examples/training.ts`.
 *
 * `fit` optimises the trainable parameters (`nn.partition(model, nn.isTrainable)`). The rest —
 * BatchNorm's running statistics, the camera intrinsics — is `fit`'s carry: each step's loss runs
 * the model through `nn.forward` and returns the buffers it updated, so the running statistics
 * advance with every step, as PyTorch's `model.train()` loop does.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { lines, savePng, type Figure } from "../src/plot.js"
import { batch, makeBlock, type Block } from "./conv-block.js"
import { loss as detectionLoss, perception, scenes, type Perception } from "./perception.js"
import { sideBySide } from "./panels.js"
import { pickDevice } from "./pick-device.js"

import nn = tg.nn

/** Settings of a run. */
export interface TrainingOptions {
  readonly device?: tg.Device
  /** where the picture goes (default `out/training.png`) */
  readonly file?: string
  readonly log?: (line: string) => void
  /** `fit`'s progress output (default: stderr, a bar on a terminal); `false` for none */
  readonly progress?: tg.ProgressStream | false
  /** SGD steps of the conv block (default 5, learning rate 0.5) */
  readonly convSteps?: number
  /** SGD steps of the perception pipeline (default 8, learning rate 0.2) */
  readonly perceptionSteps?: number
}

/** What a run trained, measured and wrote. */
export interface Training {
  readonly device: string
  /** the loss before every step, as `fit` recorded it */
  readonly conv: ReadonlyArray<number>
  readonly perception: ReadonlyArray<number>
  readonly file: string
  readonly figure: Figure
}

const progressOf = (stream: tg.ProgressStream | false | undefined, label: string): tg.ProgressOptions | false =>
  stream === false ? false : stream === undefined ? { label } : { stream, label }

/** Train the conv block: cross-entropy of its channel means against the labels, plain SGD. */
export const trainConvBlock = (device: tg.Device, steps = 5, lr = 0.5, progress?: tg.ProgressStream | false) => {
  const { x, labels } = batch(device)
  const [params, rest] = nn.partition(nn.to(makeBlock(tg.key(0)), device), nn.isTrainable)
  // nn.forward returns (loss, updated BatchNorm state): the state becomes the next step's carry
  const loss = (p: Block, _batch: undefined, c: Block) => {
    const [l, state] = nn.forward(nn.combine(p, c), (m) => nn.crossEntropy(m.call(x).mean({ axis: [2, 3] }), labels))
    return [l, nn.combine(state, c)] as const
  }
  return tg.fit({ params, optimizer: tg.optim.sgd(lr), carry: rest, loss, steps, progress: progressOf(progress, "conv block") })
}

/** Train the perception pipeline end to end on six synthetic scenes, plain SGD. */
export const trainPerception = (device: tg.Device, steps = 8, lr = 0.2, progress?: tg.ProgressStream | false) => {
  const s = scenes(tg.key(1), 6)
  const [images, labels, boxes] = [tg.to(s.images, device), tg.to(s.labels, device), tg.to(s.boxes, device)]
  const [params, rest] = nn.partition(nn.to(perception(tg.key(0)), device), nn.isTrainable)
  const loss = (p: Perception, _batch: undefined, c: Perception) => {
    const [l, state] = nn.forward(nn.combine(p, c), (m) => detectionLoss(m, images, labels, boxes))
    return [l, nn.combine(state, c)] as const
  }
  return tg.fit({ params, optimizer: tg.optim.sgd(lr), carry: rest, loss, steps, progress: progressOf(progress, "perception") })
}

/** The two loss curves, side by side (each on its own scale). */
export const figure = (conv: ReadonlyArray<number>, perceptionLoss: ReadonlyArray<number>): Figure => {
  const curve = (y: ReadonlyArray<number>, title: string, color: string) =>
    lines({ x: y.map((_, i) => i + 1), y, mode: "line+markers", color }, { title, xlabel: "step", ylabel: "loss", width: 480, height: 400 })
  return sideBySide(
    [curve(conv, "Conv → BN → ReLU", "#1f77b4"), curve(perceptionLoss, "Perception pipeline", "#ff7f0e")],
    "Training with fit: loss per step",
  )
}

/** Train both models on the best device (or `options.device`) and draw the loss curves. */
export const main = async (options: TrainingOptions = {}): Promise<Training> => {
  const file = options.file ?? "out/training.png",
    log = options.log ?? console.log
  const best = await pickDevice(options.device)
  try {
    const device = best.device
    const conv = await Effect.runPromise(trainConvBlock(device, options.convSteps, undefined, options.progress))
    log(`Conv → BN → ReLU, ${conv.steps} SGD steps: loss ${conv.history.map((v) => v.toFixed(4)).join(" → ")}`)
    const det = await Effect.runPromise(trainPerception(device, options.perceptionSteps, undefined, options.progress))
    log(`perception, ${det.steps} SGD steps: loss ${det.history.map((v) => v.toFixed(4)).join(" → ")}`)
    const fig = figure(conv.history, det.history)
    await savePng(fig, file)
    log(`wrote ${file}`)
    return { device: device.name, conv: conv.history, perception: det.history, file, figure: fig }
  } finally {
    best.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
