/**
 * Where an example runs: the device its caller hands it (the demo picks one for all six
 * scenarios), or the best one on this machine.
 *
 * @since 0.1.0
 */
import * as tg from "../src/index.js"

/** `device` when given (its release is left to the caller), else `tg.bestDevice()`. */
export const pickDevice = async (device?: tg.Device): Promise<tg.BestDevice> =>
  device === undefined ? tg.bestDevice() : { device, reason: `${device.name}: chosen by the caller`, fellBack: false, release: () => {} }
