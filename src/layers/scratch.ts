import * as tg from "../index.js"
const nn = tg.nn
const block = nn.sequential(nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }), nn.batchNorm2d(16), nn.relu())
const y = block.call(tg.zeros([8, 3, 32, 32]))
const yy: tg.Tensor<[8, 16, 32, 32]> = y
// @ts-expect-error
block.call(tg.zeros([8, 4, 32, 32]))
// @ts-expect-error
nn.sequential(nn.conv2d(tg.key(0), 3, 16, 3, { padding: 1 }), nn.batchNorm2d(32), nn.relu())
const net = nn.sequential(nn.conv2d(tg.key(0), 3, 8, 3), nn.relu(), nn.maxPool2d(2), nn.flatten(), nn.linear(tg.key(1), 8 * 15 * 15, 10))
const o: tg.Tensor<["B", 10]> = net.call(tg.zeros([8, 3, 32, 32]) as unknown as tg.Tensor<["B", 3, 32, 32]>)
