import pg from "pg";
import { SUPERUSER } from "./postgres-os-user.js";
import { errorCode } from "./system-error-code.js";

/**
 * Creates the service's database in the cluster unless it exists: initdb makes only
 * `postgres`, and the service's database must be there on every start, the first included.
 */
export async function ensureDatabase(port: number, password: string, name: string): Promise<void> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port,
    user: SUPERUSER,
    password,
    database: "postgres",
  });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error) => {
        // Someone else created it in between: that is what we wanted.
        if (errorCode(error) !== "42P04") throw error;
      });
    }
  } finally {
    await client.end();
  }
}
