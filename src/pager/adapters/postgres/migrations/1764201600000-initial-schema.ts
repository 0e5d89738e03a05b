import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The first schema. Invariants live in constraints, not only in code: one
 * unresolved alert per service, one notification per (alert, level, target),
 * one timer per (alert, level), health consistent with the active alert.
 */
export class InitialSchema1764201600000 implements MigrationInterface {
  name = "InitialSchema1764201600000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE escalation_policies (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        levels jsonb NOT NULL CHECK (jsonb_typeof(levels) = 'array' AND jsonb_array_length(levels) > 0),
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE monitored_services (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT monitored_services_name_key UNIQUE,
        escalation_policy_id uuid NOT NULL REFERENCES escalation_policies (id) ON DELETE RESTRICT,
        health text NOT NULL CHECK (health IN ('healthy', 'unhealthy')),
        active_alert_id uuid,
        create_time timestamptz NOT NULL,
        update_time timestamptz NOT NULL,
        CONSTRAINT monitored_services_health_matches_alert
          CHECK ((health = 'healthy') = (active_alert_id IS NULL))
      )`);
    await runner.query(
      "CREATE INDEX monitored_services_policy ON monitored_services (escalation_policy_id)",
    );
    await runner.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        monitored_service_id uuid NOT NULL REFERENCES monitored_services (id) ON DELETE CASCADE,
        escalation_policy_id uuid NOT NULL,
        message text NOT NULL,
        state text NOT NULL CHECK (state IN ('triggered', 'acknowledged', 'resolved')),
        current_level integer NOT NULL CHECK (current_level >= 0),
        acknowledged_by text NOT NULL DEFAULT '',
        levels jsonb NOT NULL,
        create_time timestamptz NOT NULL,
        acknowledge_time timestamptz,
        resolve_time timestamptz
      )`);
    await runner.query(`
      CREATE UNIQUE INDEX alerts_one_unresolved_per_service
        ON alerts (monitored_service_id) WHERE state <> 'resolved'`);
    await runner.query("CREATE INDEX alerts_by_service ON alerts (monitored_service_id, id)");
    await runner.query(`
      ALTER TABLE monitored_services ADD CONSTRAINT monitored_services_active_alert_fkey
        FOREIGN KEY (active_alert_id) REFERENCES alerts (id) DEFERRABLE INITIALLY DEFERRED`);
    await runner.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        level integer NOT NULL CHECK (level >= 0),
        target jsonb NOT NULL,
        target_key text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text NOT NULL DEFAULT '',
        create_time timestamptz NOT NULL,
        send_time timestamptz,
        next_attempt_time timestamptz NOT NULL,
        claimed_until timestamptz,
        CONSTRAINT notifications_one_page_per_target UNIQUE (alert_id, level, target_key)
      )`);
    await runner.query(`
      CREATE INDEX notifications_due ON notifications (next_attempt_time) WHERE state = 'pending'`);
    await runner.query(`
      CREATE TABLE ack_timers (
        alert_id uuid NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
        level integer NOT NULL CHECK (level >= 0),
        fire_time timestamptz NOT NULL,
        claimed_until timestamptz,
        PRIMARY KEY (alert_id, level)
      )`);
    await runner.query("CREATE INDEX ack_timers_due ON ack_timers (fire_time)");
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query("DROP TABLE ack_timers, notifications");
    await runner.query(
      "ALTER TABLE monitored_services DROP CONSTRAINT monitored_services_active_alert_fkey",
    );
    await runner.query("DROP TABLE alerts, monitored_services, escalation_policies");
  }
}
