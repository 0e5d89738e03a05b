import { useState } from "preact/hooks";
import type { Signed } from "./app.js";
import { refusalOf } from "./errors.js";
import { useLoad } from "./hooks.js";
import { allPolicies } from "./lists.js";
import { draftOf, EMPTY_POLICY } from "./policy-draft.js";
import { PolicyEditor } from "./policy-editor.js";

/** Escalation policies: the list, and one policy to read or (admins) edit. */
export function PoliciesView({ signed, policyId }: { signed: Signed; policyId: string | null }) {
  const policies = useLoad(() => allPolicies(signed.api), [signed, policyId]);
  const [problem, setProblem] = useState<string | null>(null);
  const admin = signed.abilities.administer;
  if (policyId !== null) {
    const policy = (policies.value ?? []).find((candidate) => candidate.id === policyId);
    if (policyId !== "new" && policy === undefined) {
      return policies.value === undefined ? (
        <p class="loading">Loading the policy…</p>
      ) : (
        <p class="error">There is no policy {policyId}.</p>
      );
    }
    return (
      <PolicyEditor
        key={policyId}
        signed={signed}
        policyId={policy?.id ?? null}
        initial={policy === undefined ? EMPTY_POLICY : draftOf(policy)}
        readOnly={!admin}
      />
    );
  }
  return (
    <section aria-labelledby="policies-title">
      <h1 id="policies-title">Escalation policies</h1>
      {admin && (
        <p>
          <a class="button" href="#/policies/new">
            New policy
          </a>
        </p>
      )}
      {problem !== null && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {policies.error !== null && <p class="error">{refusalOf(policies.error).message}</p>}
      <table class="policies">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Levels</th>
            {admin && <th scope="col">Manage</th>}
          </tr>
        </thead>
        <tbody>
          {(policies.value ?? []).map((policy) => (
            <tr key={policy.id}>
              <td data-label="Name">
                <a href={`#/policies/${policy.id}`}>{policy.name}</a>
              </td>
              <td data-label="Levels">{policy.levels.length}</td>
              {admin && (
                <td data-label="Manage">
                  <button
                    type="button"
                    class="danger"
                    onClick={async () => {
                      if (!window.confirm(`Delete the policy ${policy.name}?`)) return;
                      try {
                        await signed.api.policies.deleteEscalationPolicy({
                          escalationPolicyId: policy.id,
                        });
                        setProblem(null);
                        policies.reload();
                      } catch (error) {
                        setProblem(refusalOf(error).message);
                      }
                    }}
                  >
                    Delete
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
