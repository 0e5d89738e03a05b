import type { ConnectRouter } from "@connectrpc/connect";
import { file_grpc_health_v1_health } from "../../../gen/grpc/health/v1/health_pb.js";
import { file_grpc_reflection_v1_reflection } from "../../../gen/grpc/reflection/v1/reflection_pb.js";
import { file_grpc_reflection_v1alpha_reflection } from "../../../gen/grpc/reflection/v1alpha/reflection_pb.js";
import {
  file_timer_v1_timer_service,
  TimerService,
} from "../../../gen/timer/v1/timer_service_pb.js";
import { type HealthStatusSource, registerHealth } from "../../platform/health/health-service.js";
import { registerReflection } from "../../platform/reflection/reflection-service.js";
import type { TimerDeps } from "../app/ports.js";
import { registerTimerService } from "./timer-handlers.js";

/** Full names of everything served, for health checks by service name. */
export const TIMER_SERVED_SERVICES = [TimerService.typeName];

/** The timer service's public surface: timer.v1, health and reflection. */
export function timerRoutes(deps: TimerDeps, health: HealthStatusSource) {
  return (router: ConnectRouter) => {
    registerTimerService(router, deps);
    registerHealth(router, health);
    registerReflection(router, [
      file_timer_v1_timer_service,
      file_grpc_health_v1_health,
      file_grpc_reflection_v1_reflection,
      file_grpc_reflection_v1alpha_reflection,
    ]);
  };
}
