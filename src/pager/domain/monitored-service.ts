/** Whether a service has an active alert. */
export type MonitoredServiceHealth = "healthy" | "unhealthy";

/**
 * A component watched by monitoring. `activeAlertId` is set exactly while the
 * service is unhealthy: one active alert per service.
 */
export interface MonitoredService {
  readonly id: string;
  readonly name: string;
  readonly escalationPolicyId: string;
  readonly health: MonitoredServiceHealth;
  readonly activeAlertId: string | null;
  readonly createTime: Date;
  readonly updateTime: Date;
}
