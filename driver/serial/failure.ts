import type { DeviceFailure, DeviceFailureCode } from '../../shared/devices.js';
import { err, type Err } from '../../shared/result.js';

export function failure(code: DeviceFailureCode, message: string): DeviceFailure {
  return { code, message };
}

export function fail(code: DeviceFailureCode, message: string): Err<DeviceFailure> {
  return err(failure(code, message));
}
