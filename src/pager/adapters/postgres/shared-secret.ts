import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";

const SECRET_BYTES = 32;

/**
 * A secret every replica on one database must share (a signing key): the
 * first process to ask generates it, the insert that loses a race does
 * nothing, and every process reads back the one that was kept.
 */
export async function sharedSecret(dataSource: DataSource, name: string): Promise<Buffer> {
  await dataSource.query(
    "INSERT INTO pager_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    [name, randomBytes(SECRET_BYTES)],
  );
  const [row]: { value: Buffer }[] = await dataSource.query(
    "SELECT value FROM pager_secrets WHERE name = $1",
    [name],
  );
  if (row === undefined) throw new Error(`secret ${name} was not kept`);
  return row.value;
}
