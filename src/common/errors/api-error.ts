import { HttpException, HttpStatus } from '@nestjs/common';

/** Stable, machine-readable error codes. Dashboards switch on these; never rename one. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'TOKEN_EXPIRED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'CAPACITY'
  | 'SESSION_NOT_FOUND'
  | 'SESSION_NOT_READY'
  | 'SESSION_NOT_STREAMING'
  | 'SESSION_BUSY'
  | 'SESSION_FAILED'
  | 'ILLEGAL_TRANSITION'
  | 'PLATFORM_NOT_CONNECTED'
  | 'PLATFORM_UNKNOWN'
  | 'NO_PLATFORMS'
  | 'OUTPUT_NOT_FOUND'
  | 'INGEST_NOT_PROVISIONED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_MALFORMED'
  | 'PROVIDER_UNAVAILABLE'
  | 'OWNER_UNAVAILABLE'
  | 'DATABASE_UNAVAILABLE'
  | 'INTERNAL';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: ErrorCode;
  details?: unknown;
}

/** An error a client can act on: a 4xx (or a 503) with a stable code. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super({ message, code, details }, status);
  }

  static notFound(code: ErrorCode, message: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, code, message);
  }
  static conflict(code: ErrorCode, message: string, details?: unknown): ApiError {
    return new ApiError(HttpStatus.CONFLICT, code, message, details);
  }
  static unprocessable(code: ErrorCode, message: string, details?: unknown): ApiError {
    return new ApiError(HttpStatus.UNPROCESSABLE_ENTITY, code, message, details);
  }
  static badRequest(code: ErrorCode, message: string, details?: unknown): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, code, message, details);
  }
  static unauthorized(code: ErrorCode, message: string): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, code, message);
  }
  static unavailable(code: ErrorCode, message: string): ApiError {
    return new ApiError(HttpStatus.SERVICE_UNAVAILABLE, code, message);
  }
}
