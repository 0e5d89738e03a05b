import { useEffect, useState } from "preact/hooks";
import type { MonitoredService } from "../../gen/pager/v1/monitored_service_pb.js";
import type { Signed } from "./app.js";
import { ColumnHeads } from "./column-heads.js";
import { DangerButton } from "./danger-button.js";
import { healthName } from "./format.js";
import { useAction, useLoad } from "./hooks.js";
import { allPolicies, allServices } from "./lists.js";
import { LoadFailure, Problem } from "./problem.js";
import { StateBadge } from "./state-badge.js";

const RELOAD_MS = 250;

/** Monitored services and their health, live; admins create, rename, re-point and delete them. */
export function ServicesView({ signed }: { signed: Signed }) {
  const [version, setVersion] = useState(0);
  // Health changes with every alert that triggers or resolves: read the services again then,
  // at most once per RELOAD_MS however many changes an alert storm brings.
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const stop = signed.feed.onEvent(() => {
      pending ??= setTimeout(() => {
        pending = undefined;
        setVersion((v) => v + 1);
      }, RELOAD_MS);
    });
    return () => {
      stop();
      clearTimeout(pending);
    };
  }, [signed]);
  const services = useLoad(() => allServices(signed.api), [signed, version]);
  const policies = useLoad(() => allPolicies(signed.api), [signed]);
  const { problem, run: act } = useAction(services.reload);
  const admin = signed.abilities.administer;
  const policyName = new Map((policies.value ?? []).map((p) => [p.id, p.name]));

  return (
    <section aria-labelledby="services-title">
      <h1 id="services-title">Services</h1>
      <Problem message={problem} />
      <LoadFailure error={services.error} />
      <table class="services">
        <ColumnHeads names={["Name", "Health", "Escalation policy", admin && "Manage"]} />
        <tbody>
          {(services.value ?? []).map((service) => (
            <ServiceRow
              key={service.id}
              service={service}
              policyName={policyName.get(service.escalationPolicyId) ?? service.escalationPolicyId}
              policies={admin ? (policies.value ?? []) : null}
              onRename={(name) =>
                act(() =>
                  signed.api.pager.updateMonitoredService({
                    monitoredService: { id: service.id, name },
                    updateMask: { paths: ["name"] },
                  }),
                )
              }
              onChangePolicy={(escalationPolicyId) =>
                act(() =>
                  signed.api.pager.updateMonitoredService({
                    monitoredService: { id: service.id, escalationPolicyId },
                    updateMask: { paths: ["escalation_policy_id"] },
                  }),
                )
              }
              onDelete={() =>
                act(() =>
                  signed.api.pager.deleteMonitoredService({ monitoredServiceId: service.id }),
                )
              }
            />
          ))}
        </tbody>
      </table>
      {admin && (
        <NewService
          policies={policies.value ?? []}
          onCreate={(name, escalationPolicyId) =>
            act(() => signed.api.pager.createMonitoredService({ name, escalationPolicyId }))
          }
        />
      )}
    </section>
  );
}

function PolicySelect({
  id,
  policies,
  value,
  onChange,
}: {
  id: string;
  policies: { id: string; name: string }[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      <option value="">Choose a policy</option>
      {policies.map((policy) => (
        <option key={policy.id} value={policy.id}>
          {policy.name}
        </option>
      ))}
    </select>
  );
}

function ServiceRow({
  service,
  policyName,
  policies,
  onRename,
  onChangePolicy,
  onDelete,
}: {
  service: MonitoredService;
  policyName: string;
  /** Null when the key may not manage services. */
  policies: { id: string; name: string }[] | null;
  onRename: (name: string) => Promise<boolean>;
  onChangePolicy: (policyId: string) => Promise<boolean>;
  onDelete: () => Promise<boolean>;
}) {
  const [name, setName] = useState(service.name);
  return (
    <tr data-service-id={service.id}>
      <td data-label="Name">
        {policies === null ? (
          service.name
        ) : (
          <form
            class="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void onRename(name);
            }}
          >
            <input
              aria-label={`Name of ${service.name}`}
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
            />
            <button type="submit" class="secondary" disabled={name === service.name}>
              Rename
            </button>
          </form>
        )}
      </td>
      <td data-label="Health">
        <StateBadge kind="health" value={service.health} text={healthName(service.health)} />
      </td>
      <td data-label="Escalation policy">
        {policies === null ? (
          policyName
        ) : (
          <PolicySelect
            id={`policy-of-${service.id}`}
            policies={policies}
            value={service.escalationPolicyId}
            onChange={(id) => void onChangePolicy(id)}
          />
        )}
      </td>
      {policies !== null && (
        <td data-label="Manage">
          <DangerButton question={`Delete ${service.name} and its alerts?`} onConfirm={onDelete}>
            Delete
          </DangerButton>
        </td>
      )}
    </tr>
  );
}

function NewService({
  policies,
  onCreate,
}: {
  policies: { id: string; name: string }[];
  onCreate: (name: string, policyId: string) => Promise<boolean>;
}) {
  const [name, setName] = useState("");
  const [policyId, setPolicyId] = useState("");
  return (
    <form
      class="card"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await onCreate(name, policyId)) setName("");
      }}
    >
      <h2>New service</h2>
      <label for="new-service-name">Name</label>
      <input id="new-service-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="new-service-policy">Escalation policy</label>
      <PolicySelect
        id="new-service-policy"
        policies={policies}
        value={policyId}
        onChange={setPolicyId}
      />
      <button type="submit">Create service</button>
    </form>
  );
}
