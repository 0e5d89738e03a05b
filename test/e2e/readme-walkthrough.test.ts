import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { ApiKeyRole, ApiKeyService } from "../../gen/pager/v1/api_key_service_pb.js";
import { PagerService } from "../../gen/pager/v1/pager_service_pb.js";
import { GrpcTestClient } from "../support/grpc-client.js";
import { type PagerProcess, startPagerProcess } from "../support/pager-process.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/** The fenced ```sh blocks of a README section, in order. */
function shellBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? "");
}

/**
 * The README's walkthrough, run as written by bash against a pager started
 * as a new user starts it: a first start on an empty database, which writes
 * the admin key the walkthrough reads from `.pager-data/admin-key`. Only the
 * port differs (the test's pager listens on a free one).
 */
describe("the README walkthrough, run as written (real pager process, bash, buf curl)", () => {
  let db: TestDatabase;
  let work: string;
  let pager: PagerProcess;
  const keyFile = () => path.join(work, ".pager-data", "admin-key");

  before(async function () {
    this.timeout(120_000);
    db = await createTestDatabase();
    work = await mkdtemp(path.join(os.tmpdir(), "pager-walkthrough-"));
    await symlink(path.resolve("node_modules"), path.join(work, "node_modules"));
    pager = await startPagerProcess({
      DATABASE_URL: db.url,
      PAGER_ADMIN_KEY: "",
      PAGER_TIMER_CALLBACK_KEY: "",
      PAGER_ADMIN_KEY_FILE: keyFile(),
      PAGER_WEBHOOK_DELIVERY: "off",
    });
  });
  after(async () => {
    await pager?.stop();
    await db?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it("every step answers as the comments say, with the keys it shows", async function () {
    this.timeout(240_000);
    expect(((await stat(keyFile())).mode & 0o777).toString(8)).to.equal("600");
    const readme = await readFile("README.md", "utf8");
    const [walkthrough, curl] = shellBlocks(readme, "Walkthrough");
    const [managingKeys] = shellBlocks(readme, "Keys and roles");
    expect(walkthrough).to.include('-H "authorization: Bearer $KEY"');
    // Key management follows, on the walkthrough's service; its one placeholder, the id of
    // the key to revoke, becomes the monitoring key's.
    const script = [
      walkthrough,
      curl,
      'echo "ALERT_ID=$ALERT_ID"',
      `MONITORING_ID=$(echo "$MONITORING" | node -pe 'JSON.parse(require("fs").readFileSync(0)).apiKey.id')`,
      managingKeys?.replace(`'{"apiKeyId": "<id>"}'`, `"{\\"apiKeyId\\": \\"$MONITORING_ID\\"}"`),
    ]
      .join("\n")
      .replaceAll("127.0.0.1:50051", pager.address);
    const { stdout } = await promisify(execFile)("bash", ["-euo", "pipefail", "-c", script], {
      cwd: work,
      env: { ...process.env, npm_config_yes: "false" },
      maxBuffer: 16 * 1024 * 1024,
      timeout: 200_000,
    });
    for (const served of [
      "pager.v1.PagerService",
      "pager.v1.ApiKeyService",
      "grpc.health.v1.Health",
    ]) {
      expect(stdout).to.include(served);
    }
    expect(stdout).to.include('"role": "API_KEY_ROLE_ADMIN"');
    expect(stdout).to.include('"outcome": "SEND_ALERT_OUTCOME_CREATED"');
    expect(stdout).to.match(/"currentLevel": 1/);
    expect(stdout).to.include('"acknowledgedBy": "ana@example.com"');
    expect(stdout).to.include('"state": "ALERT_STATE_RESOLVED"');
    expect(stdout, "the timeline, by the keys that acted").to.match(
      /"name": "monitoring"\s*},\s*"triggered"[\s\S]*"escalated"[\s\S]*"name": "admin"\s*},\s*"acknowledged": {\s*"acknowledgedBy": "ana@example.com"[\s\S]*"name": "monitoring"\s*},\s*"resolved"/,
    );
    expect(stdout, "plain curl reads the alert too").to.include('"state":"ALERT_STATE_RESOLVED"');
    const alertId = /ALERT_ID=([0-9a-f-]{36})/.exec(stdout)?.[1] ?? "";
    const admin = new GrpcTestClient(pager.address, (await readFile(keyFile(), "utf8")).trim());
    try {
      const { alert } = await admin.call(PagerService.method.getAlert, { alertId });
      expect(alert).to.include({ currentLevel: 1, acknowledgedBy: "ana@example.com" });
      const { apiKeys } = await admin.call(ApiKeyService.method.listApiKeys, {});
      const listed = apiKeys.map((key) => [key.name, key.role, key.revokeTime !== undefined]);
      expect(listed).to.deep.equal([
        ["admin", ApiKeyRole.ADMIN, false],
        ["monitoring", ApiKeyRole.INTEGRATION, true],
        ["alertmanager-prod", ApiKeyRole.INTEGRATION, false],
        ["ana", ApiKeyRole.RESPONDER, false],
        ["dashboard", ApiKeyRole.VIEWER, false],
      ]);
      expect(apiKeys[2]?.monitoredServiceId).to.equal(apiKeys[1]?.monitoredServiceId);
      expect(apiKeys[3]?.expireTime?.seconds).to.equal(1_893_456_000n);
      expect(apiKeys[4]?.rateLimit).to.include({ requestsPerSecond: 10, burst: 50 });
    } finally {
      admin.close();
    }
  });
});
