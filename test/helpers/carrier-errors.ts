import { expect } from 'vitest';
import { CarrierError } from '../../src/errors.js';

/** Resolves with the rejection of `promise`, failing if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** The CarrierError a submission failed with; fails the test for anything else. */
export async function carrierFailure(promise: Promise<unknown>): Promise<CarrierError> {
  const err = await rejection(promise);
  expect(err).toBeInstanceOf(CarrierError);
  return err as CarrierError;
}
