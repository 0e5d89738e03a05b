import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * API keys. Only the SHA-256 of a secret is stored, unique, so a key is found
 * by one index lookup and the table cannot give a key away. Names are unique
 * among keys that are not revoked: a name says who acted. A binding to a
 * monitored service is deliberately not a foreign key: deleting the service
 * must neither delete the key's record nor, worse, unbind it to every service.
 */
export class ApiKeys1764547200000 implements MigrationInterface {
  name = "ApiKeys1764547200000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL
          CHECK (role IN ('admin', 'responder', 'viewer', 'integration', 'timer')),
        monitored_service_id uuid,
        secret_hash text NOT NULL CHECK (secret_hash ~ '^[0-9a-f]{64}$'),
        secret_suffix text NOT NULL,
        create_time timestamptz NOT NULL,
        expire_time timestamptz,
        revoke_time timestamptz,
        last_use_time timestamptz,
        rate_limit_per_second integer CHECK (rate_limit_per_second >= 1),
        rate_limit_burst integer CHECK (rate_limit_burst >= rate_limit_per_second),
        CONSTRAINT api_keys_binding_is_for_integration
          CHECK (monitored_service_id IS NULL OR role = 'integration'),
        CONSTRAINT api_keys_rate_limit_whole
          CHECK ((rate_limit_per_second IS NULL) = (rate_limit_burst IS NULL))
      )`);
    await runner.query("CREATE UNIQUE INDEX api_keys_secret_hash ON api_keys (secret_hash)");
    await runner.query(
      "CREATE UNIQUE INDEX api_keys_live_name ON api_keys (name) WHERE revoke_time IS NULL",
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP TABLE api_keys");
  }
}
