/** Small conversions every report uses. */

/** A ticket without a category is counted under this key. */
export const NO_CATEGORY = 'none';

/** Counts as numbers: MySQL answers SUM and COUNT as strings. */
export const count = (value: unknown): number => Number(value ?? 0);

/** Seconds as minutes to one decimal; no value (nothing measured) stays null. */
export const minutes = (seconds: number | undefined): number | null => (seconds === undefined ? null : Math.round(seconds / 6) / 10);

/** `part` of `whole` in percent to one decimal; null when there is no whole. */
export const percent = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((1000 * part) / whole) / 10);

export const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((key) => [key, 0]));
