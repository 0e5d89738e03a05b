import { expect } from "chai";
import { httpDeliveryError } from "../../src/pager/adapters/channels/http-delivery-error.js";
import { smtpFailure } from "../../src/pager/adapters/channels/smtp-failure.js";

/**
 * Which provider failures fail a page at once (permanent) and which are
 * retried with backoff: the rule the dispatcher's retry budget rests on.
 */
describe("delivery retry classification", () => {
  describe("HTTP providers (Twilio, webhooks)", () => {
    const statuses: { status: number; permanent: boolean; why: string }[] = [
      { status: 400, permanent: true, why: "a malformed request is sent the same way again" },
      { status: 401, permanent: true, why: "wrong credentials stay wrong" },
      { status: 403, permanent: true, why: "forbidden" },
      { status: 404, permanent: true, why: "no such receiver" },
      { status: 410, permanent: true, why: "gone" },
      { status: 422, permanent: true, why: "the provider refuses this page" },
      { status: 429, permanent: false, why: "rate-limited: later may work" },
      { status: 500, permanent: false, why: "the provider's fault" },
      { status: 502, permanent: false, why: "a gateway in between" },
      { status: 503, permanent: false, why: "unavailable" },
      { status: 504, permanent: false, why: "a gateway timed out" },
      { status: 301, permanent: true, why: "redirects are not followed: a page must not wander" },
      { status: 302, permanent: true, why: "redirects are not followed" },
      { status: 307, permanent: true, why: "redirects are not followed" },
      { status: 100, permanent: true, why: "no acceptance" },
    ];
    for (const { status, permanent, why } of statuses) {
      it(`HTTP ${status}: ${permanent ? "fails at once" : "retried"} (${why})`, () => {
        const error = httpDeliveryError("Twilio", { status, reason: "" });
        expect(error.permanent).to.equal(permanent);
        expect(error.message).to.equal(`Twilio answered HTTP ${status}`);
      });
    }

    it("the provider's reason follows the status", () => {
      const error = httpDeliveryError("the webhook", { status: 400, reason: "bad payload" });
      expect(error.message).to.equal("the webhook answered HTTP 400: bad payload");
    });

    const unreachable: { name: string; cause: unknown }[] = [
      { name: "connection refused", cause: new Error("connect ECONNREFUSED 127.0.0.1:9") },
      { name: "name not found", cause: new Error("getaddrinfo ENOTFOUND hooks.example.com") },
      { name: "connection reset", cause: new Error("socket hang up") },
      { name: "no answer in time", cause: new Error("no answer within 500 ms") },
      { name: "something thrown that is no Error", cause: "EPIPE" },
    ];
    for (const { name, cause } of unreachable) {
      it(`no answer (${name}): retried, with the cause`, () => {
        const error = httpDeliveryError("the webhook", { unreachable: cause });
        expect(error.permanent).to.equal(false);
        const text = cause instanceof Error ? cause.message : String(cause);
        expect(error.message).to.equal(`could not reach the webhook: ${text}`);
      });
    }
  });

  describe("SMTP relays", () => {
    /** Errors shaped as nodemailer throws them: it marks every 5yz reply but 503 permanent. */
    const failures: { name: string; error: object; permanent: boolean; message: string }[] = [
      {
        name: "550 recipient rejected",
        error: {
          code: "EENVELOPE",
          response: "550 5.1.1 no such user",
          responseCode: 550,
          permanent: true,
        },
        permanent: true,
        message: "SMTP EENVELOPE: 550 5.1.1 no such user",
      },
      {
        name: "552 message too big",
        error: { code: "EMESSAGE", response: "552 too big", responseCode: 552, permanent: true },
        permanent: true,
        message: "SMTP EMESSAGE: 552 too big",
      },
      {
        name: "535 login refused",
        error: {
          code: "EAUTH",
          response: "535 bad credentials",
          responseCode: 535,
          permanent: true,
        },
        permanent: true,
        message: "SMTP EAUTH: 535 bad credentials",
      },
      {
        name: "451 greylisted",
        error: {
          code: "EENVELOPE",
          response: "451 try later",
          responseCode: 451,
          permanent: false,
        },
        permanent: false,
        message: "SMTP EENVELOPE: 451 try later",
      },
      {
        name: "421 closing the session",
        error: { code: "EPROTOCOL", response: "421 too busy", responseCode: 421, permanent: false },
        permanent: false,
        message: "SMTP EPROTOCOL: 421 too busy",
      },
      {
        name: "503 bad sequence (not the message's fault)",
        error: {
          code: "EPROTOCOL",
          response: "503 bad sequence",
          responseCode: 503,
          permanent: false,
        },
        permanent: false,
        message: "SMTP EPROTOCOL: 503 bad sequence",
      },
      {
        name: "connection refused, no reply",
        error: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:25"), { code: "ESOCKET" }),
        permanent: false,
        message: "SMTP ESOCKET: connect ECONNREFUSED 127.0.0.1:25",
      },
      {
        name: "greeting never came",
        error: Object.assign(new Error("Greeting never received"), { code: "ETIMEDOUT" }),
        permanent: false,
        message: "SMTP ETIMEDOUT: Greeting never received",
      },
      {
        name: "our own deadline cut the send",
        error: Object.assign(new Error("aborted"), { code: "EABORT" }),
        permanent: false,
        message: "SMTP: no answer within 750 ms",
      },
      {
        name: "a configuration no retry can fix",
        error: Object.assign(new Error("Missing credentials"), { code: "ECONFIG" }),
        permanent: true,
        message: "SMTP ECONFIG: Missing credentials",
      },
      {
        name: "an error without a code",
        error: new Error("something odd"),
        permanent: false,
        message: "SMTP error: something odd",
      },
    ];
    for (const { name, error, permanent, message } of failures) {
      it(`${name}: ${permanent ? "fails at once" : "retried"}`, () => {
        const failure = smtpFailure(error, 750);
        expect(failure.permanent).to.equal(permanent);
        expect(failure.message).to.equal(message);
      });
    }
  });
});
