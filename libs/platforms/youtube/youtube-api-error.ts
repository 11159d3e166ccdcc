import { field } from '../common/http-json';

/** Status and Google `reason` of a googleapis (gaxios) error, when it carries a response. */
export function googleErrorInfo(err: unknown): { status?: number; reason?: string } {
  const response = field(err, 'response');
  const status = Number(field(response, 'status') ?? field(err, 'status'));
  const errors = field(field(field(response, 'data'), 'error'), 'errors');
  const reason = Array.isArray(errors) ? field(errors[0], 'reason') : undefined;
  return {
    status: Number.isFinite(status) ? status : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
  };
}
