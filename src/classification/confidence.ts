/**
 * A confidence to three decimals: how it is decided, stored and shown (MySQL's FLOAT would
 * otherwise answer 0.857 as 0.8569999933242798).
 */
export function roundConfidence(value: number): number {
  return Math.round(value * 1000) / 1000;
}
