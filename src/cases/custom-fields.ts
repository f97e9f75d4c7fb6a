import { ValidationError } from '../errors.js';

export interface CustomField {
  name: string;
  value: string;
}

export const MAX_CUSTOM_FIELDS = 10;

/** The same name twice in one body is a client error: which value was meant? */
export function assertUniqueNames(fields: readonly CustomField[] | null | undefined, path: string): void {
  const seen = new Set<string>();
  const errors: Record<string, string[]> = {};
  (fields ?? []).forEach((field, i) => {
    if (seen.has(field.name)) errors[`${path}.${i}.name`] = [`duplicates the name ${JSON.stringify(field.name)}`];
    seen.add(field.name);
  });
  if (Object.keys(errors).length > 0) throw new ValidationError('Custom field names must be unique', errors);
}

/** PATCH merges by name: incoming values replace stored ones, new names are added, at most 10 in all. */
export function mergeCustomFields(stored: readonly CustomField[], incoming: readonly CustomField[], path: string): CustomField[] {
  const merged = new Map(stored.map((f) => [f.name, f.value]));
  for (const field of incoming) merged.set(field.name, field.value);
  if (merged.size > MAX_CUSTOM_FIELDS) {
    throw new ValidationError('Too many custom fields', {
      [path]: [`would leave ${merged.size} custom fields on the case; at most ${MAX_CUSTOM_FIELDS} are allowed`],
    });
  }
  return [...merged].map(([name, value]) => ({ name, value }));
}

const byName = (a: CustomField, b: CustomField) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * A case's custom fields as its row keeps them (`cases.custom_fields`, migration 0023): a JSON
 * list ordered by name, NULL for none.
 */
export function customFieldsText(fields: readonly CustomField[]): string | null {
  return fields.length === 0 ? null : JSON.stringify([...fields].sort(byName).map(({ name, value }) => ({ name, value })));
}

/** The custom fields a case row holds, ordered by name. */
export function customFieldsOfRow(row: { custom_fields: string | null }): CustomField[] {
  return row.custom_fields ? (JSON.parse(row.custom_fields) as CustomField[]) : [];
}
