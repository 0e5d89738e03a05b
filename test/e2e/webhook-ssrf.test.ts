import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { EscalationPolicyService } from "../../gen/pager/v1/escalation_policy_pb.js";
import { NotificationState } from "../../gen/pager/v1/notification_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import type { Target } from "../../gen/pager/v1/target_pb.js";
import type { Resolver } from "../../src/pager/adapters/channels/webhook-destination.js";
import { type ChannelHarness, startChannelHarness } from "../support/channel-harness.js";
import { freePort } from "../support/free-port.js";
import {
  createServiceWithTargets,
  notificationsOf,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually } from "../support/pager-harness.js";

const { method } = PagerService;

/** Names as a DNS server under someone else's control might answer them. */
const ZONE: Record<string, string> = {
  "hooks.test": "127.0.0.1",
  "hooks.internal": "127.0.0.1",
};
const resolver: Resolver = (hostname, callback) => {
  const address = ZONE[hostname];
  if (address === undefined) {
    callback(
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" }),
      [],
    );
  } else callback(null, [{ address, family: 4 }]);
};

/**
 * A pager whose webhooks may reach one internal receiver, `hooks.internal`,
 * and nothing else inside its network: internal addresses are refused when
 * a policy is written, and names that resolve inside are refused when the
 * page is sent; the receivers are real servers on loopback.
 */
describe("webhooks cannot reach internal hosts (SSRF)", () => {
  let h: ChannelHarness;
  let chatty: Server;
  let chattyPort: number;

  before(async () => {
    h = await startChannelHarness(
      { PAGER_WEBHOOK_ALLOWED_HOSTS: "hooks.internal", PAGER_MAX_DELIVERY_ATTEMPTS: "2" },
      { webhookResolver: resolver },
    );
    // A receiver that refuses with a body it would not want repeated.
    chatty = createServer((_req, res) => {
      res.writeHead(403, "Forbidden", { "content-type": "text/plain" });
      res.end("db password is hunter2; internal build 7f3a");
    });
    chatty.listen(0, "127.0.0.1");
    await once(chatty, "listening");
    chattyPort = (chatty.address() as AddressInfo).port;
  });
  after(async () => {
    chatty?.close();
    await h?.stop();
  });

  /** The page of a one-target alert, once it is no longer pending. */
  async function pageTo(to: Target) {
    const { service } = await createServiceWithTargets(h.client, [[to]]);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "checkout down",
    });
    return eventually(async () => {
      const [page] = await notificationsOf(h.client, alert?.id ?? "");
      expect(page?.state).to.not.equal(NotificationState.PENDING);
      if (page === undefined) throw new Error("no page");
      return page;
    });
  }

  it("refuses loopback, link-local, private, unique-local, mapped and unspecified hosts when the policy is written", async () => {
    const port = h.fakes.hooks.http.url.split(":").at(-1);
    const urls = [
      `http://127.0.0.1:${port}/a`,
      `http://localhost:${port}/a`,
      "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
      "http://10.1.2.3/a",
      "http://172.20.0.1/a",
      "http://192.168.0.10/a",
      "http://[fd12::1]/a",
      "http://[::ffff:127.0.0.1]/a",
      "http://0.0.0.0/a",
      "https://user:secret@hooks.example.com/a",
    ];
    for (const url of urls) {
      const failure = await h.client.fail(EscalationPolicyService.method.createEscalationPolicy, {
        name: uniqueName("ssrf"),
        levels: [{ targets: [target.email("a@example.com"), target.webhook(url)] }],
      });
      expect(failure.code, url).to.equal(status.INVALID_ARGUMENT);
      expect(failure.details, url).to.match(/^levels\[0\]\.targets\[1\]\.webhook\.url: /);
    }
    const { rows } = await h.db.query(
      "SELECT count(*)::int AS n FROM escalation_policies WHERE name LIKE 'ssrf%'",
    );
    expect(rows[0].n).to.equal(0);
  });

  it("refuses at delivery a name that resolves to loopback, open port or closed alike: nothing reaches the receiver", async () => {
    const path = uniqueName("rebound");
    const open = h.fakes.hooks.url(path).replace("127.0.0.1", "hooks.test");
    const closed = `http://hooks.test:${await freePort()}/${path}`;
    for (const url of [open, closed]) {
      const page = await pageTo(target.webhook(url));
      expect(page).to.include({ state: NotificationState.FAILED, attempts: 1 });
      // The same words whichever port: the refusal tells nothing of what listens there.
      expect(page.lastError, url).to.equal(
        "the webhook refused to connect: hooks.test resolves to 127.0.0.1, a loopback address (an operator may allow it with PAGER_WEBHOOK_ALLOWED_HOSTS)",
      );
    }
    expect(h.fakes.hooks.received.filter((hook) => hook.url.endsWith(path))).to.deep.equal([]);
  });

  it("delivers to an internal receiver the operator allowed by name", async () => {
    const path = uniqueName("allowed");
    const url = h.fakes.hooks.url(path).replace("127.0.0.1", "hooks.internal");
    const page = await pageTo(target.webhook(url));
    expect(page).to.include({ state: NotificationState.SENT, lastError: "" });
    expect(h.fakes.hooks.received.filter((hook) => hook.url.endsWith(path))).to.have.length(1);
  });

  it("last_error keeps the status line, never the receiver's body", async () => {
    const page = await pageTo(target.webhook(`http://hooks.internal:${chattyPort}/hook`));
    expect(page).to.include({ state: NotificationState.FAILED, attempts: 1 });
    expect(page.lastError).to.equal("the webhook answered HTTP 403: Forbidden");
    expect(JSON.stringify(h.logs.raw)).to.not.contain("hunter2");
  });
});
