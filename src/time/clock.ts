/**
 * The time the domain runs at. Production reads the system clock; tests of SLA deadlines and
 * scheduled jobs move it instead of waiting hours.
 */
let source: () => Date = () => new Date();

export function now(): Date {
  return source();
}

/** Tests only: read time from `next` (undefined restores the system clock). */
export function setClock(next: (() => Date) | undefined): void {
  source = next ?? (() => new Date());
}
