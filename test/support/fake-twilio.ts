import { randomBytes } from "node:crypto";
import {
  FakeHttpProvider,
  type ProviderAnswer,
  type ReceivedRequest,
  type ScriptedAction,
} from "./fake-http-provider.js";

/** An SMS as the fake Twilio accepted it. */
export interface TwilioMessage {
  readonly sid: string;
  readonly to: string;
  readonly from: string;
  readonly body: string;
}

/** Account of the fake; tests configure the pager with these. */
export const TWILIO_ACCOUNT = {
  sid: "AC00000000000000000000000000000001",
  token: "fake-twilio-token-do-not-log",
} as const;

/** Twilio's magic test number that its API refuses as not a valid phone number. */
export const TWILIO_INVALID_NUMBER = "+15005550001";

/**
 * Twilio's Messages API as far as the pager uses it, on loopback: checks the
 * path, HTTP basic auth and form fields as Twilio does, answers 201 with a
 * message SID, and refuses with Twilio's error shape (`code`, `message`).
 */
export class FakeTwilio {
  readonly messages: TwilioMessage[] = [];

  private constructor(readonly http: FakeHttpProvider) {}

  static async start(): Promise<FakeTwilio> {
    let fake: FakeTwilio | undefined;
    const http = await FakeHttpProvider.start((request) => {
      if (fake === undefined) throw new Error("fake Twilio not ready");
      return fake.answer(request);
    });
    fake = new FakeTwilio(http);
    return fake;
  }

  /** The environment that points the pager's SMS channel here. */
  env(from = "+15005550006"): Record<string, string> {
    return {
      PAGER_TWILIO_ACCOUNT_SID: TWILIO_ACCOUNT.sid,
      PAGER_TWILIO_AUTH_TOKEN: TWILIO_ACCOUNT.token,
      PAGER_TWILIO_FROM: from,
      PAGER_TWILIO_BASE_URL: this.http.url,
    };
  }

  /** Scripts the answers to the next requests for one number (see {@link FakeHttpProvider.script}). */
  scriptFor(phoneNumber: string, ...actions: ScriptedAction[]): void {
    this.http.script((r) => new URLSearchParams(r.body).get("To") === phoneNumber, ...actions);
  }

  /** Messages accepted for one number. */
  sentTo(phoneNumber: string): TwilioMessage[] {
    return this.messages.filter((message) => message.to === phoneNumber);
  }

  private answer(request: ReceivedRequest): ProviderAnswer {
    const expectedPath = `/2010-04-01/Accounts/${TWILIO_ACCOUNT.sid}/Messages.json`;
    if (request.method !== "POST" || request.path !== expectedPath) {
      return error(404, 20404, `The requested resource ${request.path} was not found`);
    }
    const credentials = Buffer.from(`${TWILIO_ACCOUNT.sid}:${TWILIO_ACCOUNT.token}`).toString(
      "base64",
    );
    if (request.headers.authorization !== `Basic ${credentials}`) {
      return error(401, 20003, "Authenticate");
    }
    if (request.headers["content-type"] !== "application/x-www-form-urlencoded") {
      return error(400, 21609, "Expected a form-encoded body");
    }
    const form = new URLSearchParams(request.body);
    const to = form.get("To") ?? "";
    const from = form.get("From") ?? "";
    const body = form.get("Body") ?? "";
    if (to === "") return error(400, 21604, "A 'To' phone number is required.");
    if (from === "") return error(400, 21603, "A 'From' phone number is required.");
    if (body === "") return error(400, 21602, "Message body is required.");
    if (body.length > 1600) return error(400, 21617, "The concatenated message body exceeds 1600");
    if (to === TWILIO_INVALID_NUMBER) {
      return error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    }
    const message = { sid: `SM${randomBytes(16).toString("hex")}`, to, from, body };
    this.messages.push(message);
    return { status: 201, body: { ...message, status: "queued" } };
  }
}

function error(status: number, code: number, message: string): ProviderAnswer {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}
