import { create, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type Client,
  Code,
  ConnectError,
  createClient,
  type Interceptor,
} from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  HandleAcknowledgementTimeoutRequestSchema,
  PagerService,
} from "../../../../gen/pager/v1/pager_service_pb.js";
import { TimerService } from "../../../../gen/timer/v1/timer_service_pb.js";
import { bearerHeader } from "../../../platform/server/bearer-credential.js";
import type { ClientTls } from "../../../platform/tls/client-tls.js";
import {
  type ExternalAckTimer,
  type ExternalTimerService,
  TimerIdTakenError,
} from "../../app/external-timers.js";

const CALLBACK_METHOD = `${PagerService.typeName}/${PagerService.method.handleAcknowledgementTimeout.name}`;

/** Where the timer service is, and where it must call the pager back. */
export interface TimerServiceClientOptions {
  /** The timer service, e.g. `http://127.0.0.1:50052`, or `https://` for TLS. */
  readonly url: string;
  /** For an https:// url: the CA to trust (null: the system's) and the certificate to present. */
  readonly tls: ClientTls;
  /** One of the secrets the timer service accepts (PAGER_TIMER_API_KEY). */
  readonly apiKey: string;
  /** host:port the timer service calls HandleAcknowledgementTimeout on. */
  readonly callbackEndpoint: string;
  /**
   * The pager's timer-role secret, sent with every callback: all a fired
   * timer can do with it is HandleAcknowledgementTimeout.
   */
  readonly callbackSecret: string;
  readonly timeoutMs: number;
}

/**
 * timer.v1 over gRPC (Connect's transport, one HTTP/2 connection), with the
 * pager's key for the timer service on every call. The callback is exactly
 * the RPC an external timer would make: the serialized
 * HandleAcknowledgementTimeoutRequest, to the pager's public endpoint, with
 * a timer-role key as its metadata.
 */
export class TimerServiceClient implements ExternalTimerService {
  private readonly sessions: Http2SessionManager;
  private readonly client: Client<typeof TimerService>;

  constructor(private readonly options: TimerServiceClientOptions) {
    const { ca, cert, key } = options.tls;
    this.sessions = new Http2SessionManager(options.url, undefined, {
      ...(ca === null ? {} : { ca }),
      ...(cert === null || key === null ? {} : { cert, key }),
    });
    this.client = createClient(
      TimerService,
      createGrpcTransport({
        baseUrl: options.url,
        sessionManager: this.sessions,
        defaultTimeoutMs: options.timeoutMs,
        interceptors: [presenting(options.apiKey)],
      }),
    );
  }

  async arm(timer: ExternalAckTimer): Promise<void> {
    const request = create(HandleAcknowledgementTimeoutRequestSchema, {
      alertId: timer.alertId,
      level: timer.level,
    });
    try {
      await this.client.setTimer({
        timerId: timer.timerId,
        schedule: { case: "fireTime", value: timestampFromDate(timer.fireTime) },
        callback: {
          endpoint: this.options.callbackEndpoint,
          method: CALLBACK_METHOD,
          request: toBinary(HandleAcknowledgementTimeoutRequestSchema, request),
          metadata: { authorization: bearerHeader(this.options.callbackSecret) },
        },
      });
    } catch (error) {
      const connectError = ConnectError.from(error);
      if (connectError.code === Code.AlreadyExists) {
        throw new TimerIdTakenError(connectError.rawMessage, { cause: error });
      }
      throw error;
    }
  }

  async cancel(timerId: string): Promise<void> {
    await this.client.cancelTimer({ timerId });
  }

  /** Closes the connection; calls in flight fail and their rows are retried by whoever is left. */
  close(): void {
    this.sessions.abort();
  }
}

/** Adds `authorization: Bearer <secret>` to every call. */
function presenting(secret: string): Interceptor {
  return (next) => (request) => {
    request.header.set("authorization", bearerHeader(secret));
    return next(request);
  };
}
