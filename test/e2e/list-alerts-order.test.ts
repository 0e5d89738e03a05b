import * as grpc from "@grpc/grpc-js";
import { expect } from "chai";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { createServiceWithPolicy } from "../support/pager-fixtures.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";

const { method } = PagerService;

/** ListAlerts oldest first by default, newest first on request, paged either way. */
describe("ListAlerts order_by", () => {
  let h: PagerHarness;
  let serviceId: string;
  /** Three alerts of one service, in the order they were created. */
  const created: string[] = [];

  before(async () => {
    h = await startPagerHarness({ PAGER_TIMER_WORKER: "off" });
    const { service } = await createServiceWithPolicy(h.client);
    serviceId = service.id;
    for (const message of ["first", "second", "third"]) {
      const { alert } = await h.client.call(method.sendAlert, {
        monitoredServiceId: serviceId,
        message,
      });
      created.push(alert?.id ?? "");
      await h.client.call(method.resolveAlert, {
        subject: { case: "monitoredServiceId", value: serviceId },
      });
    }
  });
  after(async () => {
    await h?.stop();
  });

  /** Every page of the service's alerts in `orderBy`, two at a time. */
  async function pages(orderBy: string): Promise<string[][]> {
    const all: string[][] = [];
    let pageToken = "";
    do {
      const response = await h.client.call(method.listAlerts, {
        monitoredServiceId: serviceId,
        pageSize: 2,
        pageToken,
        orderBy,
      });
      all.push(response.alerts.map((alert) => alert.id));
      pageToken = response.nextPageToken;
    } while (pageToken !== "");
    return all;
  }

  it("lists oldest first by default, and for create_time and create_time asc", async () => {
    const [a, b, c] = created;
    for (const orderBy of ["", "create_time", "create_time asc", " CREATE_TIME  ASC "]) {
      expect(await pages(orderBy)).to.deep.equal([[a, b], [c]]);
    }
  });

  it("lists newest first for create_time desc, page after page", async () => {
    const [a, b, c] = created;
    expect(await pages("create_time desc")).to.deep.equal([[c, b], [a]]);
  });

  it("refuses any other order with INVALID_ARGUMENT naming order_by", async () => {
    for (const orderBy of ["id desc", "create_time sideways", "create_time desc, id"]) {
      const failure = await h.client.fail(method.listAlerts, { orderBy });
      expect(failure.code).to.equal(grpc.status.INVALID_ARGUMENT);
      expect(failure.details).to.match(/^order_by: .*"create_time desc"/);
    }
  });
});
