/**
 * The few error classes of the project. Each carries what a person needs to fix the cause.
 */
import type { z } from 'zod';

/** One problem in a data file: where it is and what is wrong. */
export interface Problem {
  /** The file, relative to the working directory. */
  file: string;
  /** A readable path inside the file, e.g. `flow victim, node ask_passport, next[0].goto`. */
  path: string;
  message: string;
}

/** Raised when flows, rules, the directory or locales do not hold; lists every problem found. */
export class DefinitionError extends Error {
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(`${problems.length} problem(s) in the definitions:\n${problems.map(formatProblem).join('\n')}`);
    this.problems = problems;
    this.name = 'DefinitionError';
  }
}

/** `file: path: message`, the form the check command prints. */
export function formatProblem(p: Problem): string {
  return `  ${p.file}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/** Turns zod issues into problems, prefixing each path with `where`. */
export function zodProblems(file: string, where: string, error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    file,
    path: [where, issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '')]
      .filter(Boolean)
      .join(', '),
    message: issue.message,
  }));
}

/** A request that cannot be served as sent; `status` is the HTTP status to answer with. */
export class RequestError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(
    status: number,
    code: string,
    message: string,
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.name = 'RequestError';
  }
}

/** The kinds of refusal a service can give; only the HTTP edge turns them into status codes. */
export type RefusalKind = 'invalid' | 'forbidden' | 'not_found' | 'conflict';

const REFUSAL_STATUS: Record<RefusalKind, number> = { invalid: 400, forbidden: 403, not_found: 404, conflict: 409 };

/**
 * A service's refusal (bad input, no such thing, a state that forbids it), with a code the
 * dashboard's locales name (`error.<code>`) and a sentence that says what to do. Services throw
 * this, not HTTP statuses; routes and error handlers map it with {@link requestErrorOf}.
 */
export class DomainError extends Error {
  readonly kind: RefusalKind;
  readonly code: string;

  constructor(kind: RefusalKind, code: string, message: string) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.name = 'DomainError';
  }
}

/** The HTTP form of a refusal: a {@link RequestError} as it is, a {@link DomainError} with its kind's status; otherwise undefined. */
export function requestErrorOf(err: unknown): RequestError | undefined {
  if (err instanceof RequestError) return err;
  if (err instanceof DomainError) return new RequestError(REFUSAL_STATUS[err.kind], err.code, err.message);
  return undefined;
}
