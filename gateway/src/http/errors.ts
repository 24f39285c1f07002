/** Errors with a code (docs/engineering.md 4); the HTTP mapping lives in one place, the app's error handler. */
export type GatewayErrorCode = 'E_NOT_FOUND' | 'E_BAD_REQUEST';

const STATUS: Record<GatewayErrorCode, number> = { E_NOT_FOUND: 404, E_BAD_REQUEST: 400 };

export class GatewayError extends Error {
  constructor(readonly code: GatewayErrorCode, message: string) {
    super(message);
    this.name = 'GatewayError';
  }

  get statusCode(): number {
    return STATUS[this.code];
  }
}
