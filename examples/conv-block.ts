/**
 * A PyTorch classic, ported: Conv2d(3→16, 3×3, padding 1) → BatchNorm2d(16) → ReLU on a
 * `[8, 3, 32, 32]` batch. Prints the parameters and buffers as PyTorch names them, moves the
 * block to the best device, compares train- and eval-mode outputs, and takes one SGD step.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import { pathToFileURL } from "node:url"
import * as tg from "../src/index.js"
import { pickDevice } from "./pick-device.js"

import nn = tg.nn

/**
 * The block as a module generic in its channel counts: fields `conv` and `bn` (so parameters are
 * named `conv.weight`, `bn.running_mean`, … as in PyTorch); its shape function is the one of the
 * sequence it computes, and its body runs on erased tensors.
 */
type BlockFn<I extends number, O extends number> = nn.SequentialFn<
  [nn.Conv2d<I, O, 3, 3, { readonly padding: 1 }>, nn.BatchNorm2d<O>, nn.ReLU]
>
export class ConvBlock<I extends number, O extends number> extends nn.Layer<BlockFn<I, O>> {
  constructor(
    readonly conv: nn.Conv2d<I, O, 3, 3, { readonly padding: 1 }>,
    readonly bn: nn.BatchNorm2d<O>,
  ) {
    super()
  }
  forward(x: tg.AnyTensor): tg.AnyTensor {
    return tg.relu(this.bn.forward(this.conv.forward(x)))
  }
}
/** A ConvBlock from `inChannels` to `outChannels`, initialised from `key` as PyTorch would. */
export const convBlock = <const I extends number, const O extends number>(key: tg.Key, inChannels: I, outChannels: O) =>
  new ConvBlock(nn.conv2d(key, inChannels, outChannels, 3, { padding: 1 }), nn.batchNorm2d(outChannels))

export const makeBlock = (key: tg.Key) => convBlock(key, 3, 16)
export type Block = ReturnType<typeof makeBlock>

/** Plain SGD over any tree (parameters and gradients of the same structure). */
const sgd = <T>(params: T, grads: T, lr: number): T => tg.Tree.zipWith(params, grads, (p, g) => p.sub(g.mul(lr)))

/**
 * One training step: loss, gradients for the trainable parameters only, and the new block with
 * the SGD update and BatchNorm's updated running statistics.
 */
export const trainStep = (model: Block, x: tg.Tensor<[8, 3, 32, 32]>, labels: tg.Tensor<[8], "i32">, lr = 0.5) => {
  const [params, rest] = nn.partition(model, nn.isTrainable)
  const loss = (p: Block) => nn.forward(nn.combine(p, rest), (m) => nn.crossEntropy(m.call(x).mean({ axis: [2, 3] }), labels))
  const [[value, state], grads] = tg.valueAndGrad(loss, { hasAux: true })(params)
  return [value, nn.combine(sgd(params, grads, lr), state, rest)] as const
}

/** The example's batch on `device`: eight random 3 × 32 × 32 images and a class (0…15) for each. */
export const batch = (device: tg.Device = tg.cpu): { readonly x: tg.Tensor<[8, 3, 32, 32]>; readonly labels: tg.Tensor<[8], "i32"> } => {
  const [kx, ky] = tg.split(tg.key(1))
  const x = tg.to(tg.normal(kx!, [8, 3, 32, 32]), device) as tg.Tensor<[8, 3, 32, 32]>
  const labels = tg.to(tg.cast(tg.uniform(ky!, [8], { low: 0, high: 16 }).sub(0.5).maximum(0), "i32"), device) as tg.Tensor<[8], "i32">
  return { x, labels }
}

const read = (t: tg.AnyTensor): Promise<number[]> => Effect.runPromise(t.toArray()).then((v) => [v].flat(4) as number[])
const fmt = (s: ReadonlyArray<unknown>) => `[${s.join(", ")}]`

/** What the example measured. */
export interface ConvBlockResult {
  readonly device: string
  readonly names: string[]
  readonly buffers: string[]
  readonly trainEvalDiff: number
  readonly runningMeanBefore: number[]
  readonly runningMeanAfter: number[]
  readonly lossBefore: number
  readonly lossAfter: number
}

/** Run the example; `log` receives each printed line. */
export const main = async (
  options: { readonly log?: (line: string) => void; readonly device?: tg.Device } = {},
): Promise<ConvBlockResult> => {
  const log = options.log ?? console.log
  const picked = await pickDevice(options.device)
  try {
    const device = picked.device
    log(`device: ${picked.reason}`)
    const block = nn.to(makeBlock(tg.key(0)), device)
    const names = nn.namedParameters(block).map(([k, p]) => `${k} ${fmt(p.shape)}`)
    const buffers = nn.namedBuffers(block).map(([k, b]) => `${k} ${fmt(b.shape)}`)
    names.forEach((l) => log(l))
    buffers.forEach((l) => log(`buffer ${l}`))
    log(`parameters: ${nn.numParameters(block)}`)

    const { x, labels } = batch(device)

    const [yTrain, state] = nn.forward(block, (m) => m.call(x))
    const yEval = nn.eval(block).call(x)
    const trainEvalDiff = Math.max(...(await read(yTrain.sub(yEval).abs().max())))
    log(`train vs eval outputs differ by up to ${trainEvalDiff.toFixed(4)}`)
    const runningMeanBefore = await read(block.bn.running_mean!)
    const runningMeanAfter = await read(nn.combine(state, block).bn.running_mean!)
    log(
      `running_mean[0..3]: ${fmt(runningMeanBefore.slice(0, 4).map((v) => v.toFixed(4)))} → ${fmt(runningMeanAfter.slice(0, 4).map((v) => v.toFixed(4)))}`,
    )

    const [l0, next] = trainStep(block, x, labels)
    const [l1] = trainStep(next, x, labels)
    const [lossBefore, lossAfter] = [(await read(l0))[0]!, (await read(l1))[0]!]
    log(`one SGD step: loss ${lossBefore.toFixed(4)} → ${lossAfter.toFixed(4)}`)
    return { device: device.name, names, buffers, trainEvalDiff, runningMeanBefore, runningMeanAfter, lossBefore, lossAfter }
  } finally {
    picked.release()
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
