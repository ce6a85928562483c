/**
 * Checkpoints and safetensors files: save and load whole trees, read and write plain state dicts.
 *
 * @since 0.1.0
 */
export {
  saveCheckpoint,
  loadCheckpoint,
  saveCheckpointPromise,
  loadCheckpointPromise,
  type SaveOptions,
  type LoadOptions,
} from "./checkpoint.js"
export {
  encodeSafetensors,
  decodeSafetensors,
  writeSafetensors,
  readSafetensors,
  writeSafetensorsPromise,
  readSafetensorsPromise,
  type SafetensorsFile,
  type ReadOptions,
} from "./safetensors.js"
export type { CheckpointTree } from "./tree.js"
