import { useState } from "preact/hooks";
import { ApiKeyRole } from "../../gen/pager/v1/api_key_service_pb.js";
import { roleName } from "./abilities.js";
import type { Signed } from "./app.js";
import { ColumnHeads } from "./column-heads.js";
import { DangerButton } from "./danger-button.js";
import { when } from "./format.js";
import { useAction, useLoad } from "./hooks.js";
import { allKeys, allServices } from "./lists.js";
import { LoadFailure, Problem } from "./problem.js";

const ROLES = [
  ApiKeyRole.RESPONDER,
  ApiKeyRole.VIEWER,
  ApiKeyRole.INTEGRATION,
  ApiKeyRole.ADMIN,
  ApiKeyRole.TIMER,
];

/** API keys (admin): who may do what; a new key's secret is shown once, here. */
export function KeysView({ signed }: { signed: Signed }) {
  const keys = useLoad(() => allKeys(signed.api), [signed]);
  const services = useLoad(() => allServices(signed.api), [signed]);
  const { problem, run } = useAction(keys.reload);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState(ApiKeyRole.RESPONDER);
  const [serviceId, setServiceId] = useState("");
  const [expires, setExpires] = useState("");

  function create(event: Event) {
    event.preventDefault();
    void run(async () => {
      const response = await signed.api.keys.createApiKey({
        name,
        role,
        monitoredServiceId: role === ApiKeyRole.INTEGRATION ? serviceId : "",
        expireTime:
          expires === ""
            ? undefined
            : { seconds: BigInt(Math.floor(new Date(expires).getTime() / 1000)) },
      });
      setSecret({ name, secret: response.secret });
      setName("");
    });
  }

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      {secret !== null && (
        <div class="card secret" role="status">
          <p>
            The secret of <strong>{secret.name}</strong>. Copy it now: it is shown only once and
            cannot be read again.
          </p>
          <code class="secret-value">{secret.secret}</code>
          <button type="button" class="secondary" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </div>
      )}
      <Problem message={problem} />
      <LoadFailure error={keys.error} />
      <table class="keys">
        <ColumnHeads
          names={["Name", "Role", "Ends with", "Created", "Last used", "Expires", "Status"]}
        />
        <tbody>
          {(keys.value ?? []).map((key) => (
            <tr key={key.id}>
              <td data-label="Name">{key.name}</td>
              <td data-label="Role">{roleName(key.role)}</td>
              <td data-label="Ends with">…{key.secretSuffix}</td>
              <td data-label="Created">{when(key.createTime)}</td>
              <td data-label="Last used">{when(key.lastUseTime) || "never"}</td>
              <td data-label="Expires">{when(key.expireTime) || "never"}</td>
              <td data-label="Status">
                {key.revokeTime !== undefined ? (
                  `Revoked ${when(key.revokeTime)}`
                ) : key.id === signed.key.id ? (
                  "In use by you"
                ) : (
                  <DangerButton
                    question={`Revoke the key ${key.name}? It stops working at once.`}
                    onConfirm={() => run(() => signed.api.keys.revokeApiKey({ apiKeyId: key.id }))}
                  >
                    Revoke
                  </DangerButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card" onSubmit={create}>
        <h2>New key</h2>
        <label for="key-name">Name (who or what uses it)</label>
        <input id="key-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="key-role">Role</label>
        <select
          id="key-role"
          value={String(role)}
          onChange={(e) => setRole(Number(e.currentTarget.value) as ApiKeyRole)}
        >
          {ROLES.map((candidate) => (
            <option key={candidate} value={String(candidate)}>
              {roleName(candidate)}
            </option>
          ))}
        </select>
        {role === ApiKeyRole.INTEGRATION && (
          <>
            <label for="key-service">Monitored service it sends alerts for</label>
            <select
              id="key-service"
              value={serviceId}
              onChange={(e) => setServiceId(e.currentTarget.value)}
            >
              <option value="">Choose a service</option>
              {(services.value ?? []).map((service) => (
                <option key={service.id} value={service.id}>
                  {service.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label for="key-expires">Expires (optional)</label>
        <input
          id="key-expires"
          type="datetime-local"
          value={expires}
          onInput={(e) => setExpires(e.currentTarget.value)}
        />
        <button type="submit">Create key</button>
      </form>
    </section>
  );
}
