import { InvalidArgumentError } from 'commander';

/** Parses a positive integer option, naming the option on failure. */
export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive integer, got '${value}'`);
    return n;
  };
}

/** Parses a non-negative integer option (e.g. a seed). */
export function nonNegativeInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got '${value}'`);
    return n;
  };
}

/** Parses a positive number option. */
export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number, got '${value}'`);
    return n;
  };
}

/** Parses a non-negative number option (e.g. a weight that 0 switches off). */
export function nonNegativeNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a non-negative number, got '${value}'`);
    return n;
  };
}

/** Prints one JSON object as the last line of output (for `--json`). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
