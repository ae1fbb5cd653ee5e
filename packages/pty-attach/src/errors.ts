// The failures of an attach session, in stream-core's error family (stable codes, instanceof
// across copies). Messages are the Docker CLI's where the CLI has one.
import { StreamError, type StreamErrorOptions } from '@sluice/stream-core';

/** A detach-keys spec the CLI would reject, e.g. "unknown character: 'x'". */
export class DetachKeysError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_DETACH_KEYS';
  /** The item of the spec that was not understood. */
  readonly item: string;
  constructor(item: string, options?: StreamErrorOptions) {
    super(`unknown character: '${item}'`, options);
    this.item = item;
  }
}

/**
 * The engine refused a request: 404 no such container / image / exec, 409 a conflict (exec in
 * a stopped or paused container), 500 … It keeps the engine's status and message.
 */
export class EngineError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_ENGINE';
  /** The HTTP status the engine sent (0 when it sent none). */
  readonly statusCode: number;
  /** The engine's own message (its `{"message": …}`), or '' when it sent none. */
  readonly detail: string;
  constructor(statusCode: number, detail: string, message?: string, options?: StreamErrorOptions) {
    super(message ?? `the engine answered ${statusCode}${detail ? `: ${detail}` : ''}`, options);
    this.statusCode = statusCode;
    this.detail = detail;
  }
}

/** The engine answered an attach or exec-start with something other than 101. */
export class UpgradeError extends EngineError {
  static override readonly code: string = 'ERR_SLUICE_UPGRADE';
  constructor(statusCode: number, detail: string, options?: StreamErrorOptions) {
    super(
      statusCode,
      detail,
      `unable to upgrade to tcp, received ${statusCode}${detail ? `: ${detail}` : ''}`,
      options,
    );
  }
}

/** A TTY session was asked for with a stdin that is not a terminal. */
export class NotATerminalError extends StreamError {
  static override readonly code: string = 'ERR_SLUICE_NOT_A_TERMINAL';
  constructor(
    message = 'cannot attach stdin to a TTY-enabled container because stdin is not a terminal',
    options?: StreamErrorOptions,
  ) {
    super(message, options);
  }
}
