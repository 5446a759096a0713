import type { DomainError } from './errors';

/**
 * A live stream that can fail on its own (its consumer fell behind, say)
 * while nobody is waiting on `next()`. The transport listens and ends the
 * connection with the matching close code; domain code never touches it.
 */
export interface FailableStream {
  onFailure(listener: (err: DomainError) => void): void;
}

export function isFailableStream(x: unknown): x is FailableStream {
  return typeof (x as FailableStream | null)?.onFailure === 'function';
}
