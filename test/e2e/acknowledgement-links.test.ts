import { timestampDate } from "@bufbuild/protobuf/wkt";
import { createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { AcknowledgementLinkService } from "../../gen/pager/v1/acknowledgement_link_service_pb.js";
import { ActorKind } from "../../gen/pager/v1/alert_event_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { connectTransport } from "../support/api-keys.js";
import { type ChannelHarness, startChannelHarness } from "../support/channel-harness.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import {
  AlertState,
  createServiceWithTargets,
  notificationsOf,
  target,
  uniqueName,
} from "../support/pager-fixtures.js";
import { eventually, startPagerHarness } from "../support/pager-harness.js";

const { method } = PagerService;
const links = AcknowledgementLinkService.method;
const LIFETIME_MS = 60_000;

/**
 * Acknowledgement links end to end: the link arrives in an email at a real
 * SMTP server, and only the AcknowledgeByLink RPC (a POST) acknowledges.
 */
describe("acknowledgement links", () => {
  let h: ChannelHarness;
  /** No API key: what a paged person's browser has. */
  let keyless: GrpcTestClient;

  before(async () => {
    h = await startChannelHarness({ PAGER_ACK_LINK_TTL_MS: String(LIFETIME_MS) });
    keyless = new GrpcTestClient(h.address, null);
  });
  after(async () => {
    keyless?.close();
    await h?.stop();
  });

  /** A triggered alert paging `address` by email, and the token of the link in that email. */
  async function pagedByEmail() {
    const address = `${uniqueName("oncall")}@example.com`;
    const { service } = await createServiceWithTargets(h.client, [
      [target.email(address)],
      [target.email(`${uniqueName("backup")}@example.com`)],
    ]);
    const { alert } = await h.client.call(method.sendAlert, {
      monitoredServiceId: service.id,
      message: "queue backlog",
    });
    if (alert === undefined) throw new Error("no alert");
    const mail = await eventually(async () => {
      const [received] = h.fakes.smtp.sentTo(address);
      expect(received).to.not.equal(undefined);
      return received;
    });
    const link = new RegExp(`http://${h.address}/ack/([A-Za-z0-9_-]{50})\\n`).exec(
      mail?.text ?? "",
    );
    if (link?.[1] === undefined) throw new Error(`no link in the email: ${mail?.text}`);
    return { address, service, alert, token: link[1] };
  }

  /** The link's page calls with the token alone: no API key. */
  function connectLinks() {
    return createClient(AcknowledgementLinkService, connectTransport(`http://${h.address}`, null));
  }

  /** How each of the service's two RPCs refuses `token`. */
  async function bothRefusing(token: string) {
    return [
      await keyless.fail(links.getAcknowledgementLink, { token }),
      await keyless.fail(links.acknowledgeByLink, { token }),
    ];
  }

  async function timelineOf(alertId: string) {
    const { events } = await h.client.call(method.listAlertEvents, { alertId, pageSize: 1000 });
    return events;
  }

  it("the emailed link reads the alert and changes nothing; only AcknowledgeByLink acknowledges, as the target", async () => {
    const { address, service, alert, token } = await pagedByEmail();
    const read = await keyless.call(links.getAcknowledgementLink, { token });
    expect(read.alert).to.include({ id: alert.id, state: AlertState.TRIGGERED });
    expect(read.monitoredServiceName).to.equal(service.name);
    expect(read.target?.kind).to.deep.include({ case: "email" });
    expect(read.target?.kind.value).to.include({ address });
    if (read.expireTime === undefined) throw new Error("no expire_time");
    const expires = timestampDate(read.expireTime).getTime();
    expect(expires - h.clock.now().getTime()).to.be.within(LIFETIME_MS - 5000, LIFETIME_MS + 1000);

    // What a mail scanner does: GET the link. Nothing changes.
    await fetch(`http://${h.address}/ack/${token}`);
    const untouched = await h.client.call(method.getAlert, { alertId: alert.id });
    expect(untouched.alert?.state).to.equal(AlertState.TRIGGERED);
    const before = await timelineOf(alert.id);
    expect(before.map((e) => e.kind.case)).to.not.include("acknowledged");

    const acked = await connectLinks().acknowledgeByLink({ token });
    expect(acked.alert).to.include({ state: AlertState.ACKNOWLEDGED, acknowledgedBy: address });
    const again = await keyless.call(links.acknowledgeByLink, { token });
    expect(again.alert?.acknowledgeTime).to.deep.equal(acked.alert?.acknowledgeTime);
    const timeline = await timelineOf(alert.id);
    const acknowledged = timeline.filter((e) => e.kind.case === "acknowledged");
    expect(acknowledged).to.have.length(1);
    expect(acknowledged[0]?.actor).to.include({
      kind: ActorKind.ACKNOWLEDGEMENT_LINK,
      name: address,
      apiKeyId: "",
    });
    expect(acknowledged[0]?.kind.value).to.include({ acknowledgedBy: address });
  });

  it("refuses an altered token, a token re-pointed at another alert's page, and an empty one", async () => {
    const mine = await pagedByEmail();
    const theirs = await pagedByEmail();
    const last = mine.token.at(-1) === "A" ? "B" : "A";
    const altered = `${mine.token.slice(0, -1)}${last}`;
    const [theirPage] = await notificationsOf(h.client, theirs.alert.id);
    const bytes = Buffer.from(mine.token, "base64url");
    Buffer.from((theirPage?.id ?? "").replaceAll("-", ""), "hex").copy(bytes, 1);
    const repointed = bytes.toString("base64url");
    for (const token of [altered, repointed, "x".repeat(50)]) {
      for (const failure of await bothRefusing(token)) {
        expect(failure.code).to.equal(grpc.status.UNAUTHENTICATED);
        expect(failure.details).to.match(/^token: this acknowledgement link is not valid/);
      }
    }
    const empty = await keyless.fail(links.acknowledgeByLink, { token: "" });
    expect(empty.code).to.equal(grpc.status.INVALID_ARGUMENT);
    expect(empty.details).to.match(/^token: is required/);
    for (const alert of [mine.alert, theirs.alert]) {
      const { alert: now } = await h.client.call(method.getAlert, { alertId: alert.id });
      expect(now?.state).to.equal(AlertState.TRIGGERED);
    }
  });

  it("a resolved alert's link still reads but cannot acknowledge; an expired link is refused", async () => {
    const { alert, token } = await pagedByEmail();
    await h.client.call(method.resolveAlert, { subject: { case: "alertId", value: alert.id } });
    const read = await keyless.call(links.getAcknowledgementLink, { token });
    expect(read.alert?.state).to.equal(AlertState.RESOLVED);
    const resolved = await keyless.fail(links.acknowledgeByLink, { token });
    expect(resolved.code).to.equal(grpc.status.FAILED_PRECONDITION);

    h.clock.advance(LIFETIME_MS + 1000);
    for (const expired of await bothRefusing(token)) {
      expect(expired.code).to.equal(grpc.status.UNAUTHENTICATED);
      expect(expired.details).to.match(/expired at/);
    }
  });

  it("every replica on the database verifies the links of the others with the kept key; another key refuses them", async () => {
    const { alert, token } = await pagedByEmail();
    const replica = await startPagerHarness();
    const stranger = await startPagerHarness({ PAGER_ACK_LINK_SECRET: "s".repeat(32) });
    try {
      const read = await replica.client.call(links.getAcknowledgementLink, { token });
      expect(read.alert?.id).to.equal(alert.id);
      const refused = await stranger.client.fail(links.getAcknowledgementLink, { token });
      expect(refused.code).to.equal(grpc.status.UNAUTHENTICATED);
    } finally {
      await replica.stop();
      await stranger.stop();
    }
  });
});
