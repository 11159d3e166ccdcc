import type { EntityMetadata } from 'typeorm';

const DATE_TYPES = new Set<unknown>([
  Date,
  'timestamptz',
  'timestamp',
  'timestamp with time zone',
  'timestamp without time zone',
  'date',
]);

/**
 * An entity from the `to_jsonb(row)` of its table, typed as the repository would return
 * it (dates as Date, bigint as string). For hand-written statements on hot paths that read
 * several tables in one round trip: TypeORM's query building cost more than the database
 * did on the path of every dashboard update.
 */
export function entityFromJson<T>(
  metadata: EntityMetadata,
  json: Record<string, unknown> | null | undefined,
): T | null {
  if (!json) return null;
  const entity: Record<string, unknown> = {};
  for (const column of metadata.columns) {
    const value = json[column.databaseName];
    entity[column.propertyName] =
      value === null || value === undefined
        ? null
        : DATE_TYPES.has(column.type)
          ? new Date(value as string)
          : column.type === 'bigint'
            ? String(value as number)
            : value;
  }
  return entity as T;
}
