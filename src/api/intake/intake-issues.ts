import { ApiError, type ApiIssue } from '../api-error';

/** One reason a request's event cannot be accepted, with a machine-readable code. */
export interface IntakeIssue extends ApiIssue {
  code: string;
}

const MAX_ISSUES = 100;

/**
 * One 400 naming every field at fault: its `code` is the issues' common code, or
 * `invalid_request` when they differ.
 *
 * @example
 * if (issues.length > 0) throw intakeError(issues);
 */
export function intakeError(issues: IntakeIssue[]): ApiError {
  const sorted = [...issues].sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
  const [first] = sorted;
  const code = sorted.every((i) => i.code === first.code) ? first.code : 'invalid_request';
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more)` : '';
  return new ApiError(
    400,
    code,
    `${first.path}: ${first.message}${more}`,
    sorted.slice(0, MAX_ISSUES).map(({ path, message }) => ({ path, message })),
  );
}
