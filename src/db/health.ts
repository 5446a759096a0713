import type { DataSource } from 'typeorm';

/** The migrations this build knows that the database has not applied (the database answering is the other half of the check). */
export async function pendingMigrations(db: DataSource): Promise<string[]> {
  const known = db.migrations.map((m) => m.name ?? m.constructor.name);
  const rows: { name: string }[] = await db.query('SELECT name FROM migrations');
  const applied = new Set(rows.map((r) => r.name));
  return known.filter((n) => !applied.has(n));
}
