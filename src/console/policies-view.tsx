import type { Signed } from "./app.js";
import { ColumnHeads } from "./column-heads.js";
import { DangerButton } from "./danger-button.js";
import { useAction, useLoad } from "./hooks.js";
import { allPolicies } from "./lists.js";
import { draftOf, EMPTY_POLICY } from "./policy-draft.js";
import { PolicyEditor } from "./policy-editor.js";
import { LoadFailure, Problem } from "./problem.js";

/** Escalation policies: the list, and one policy to read or (admins) edit. */
export function PoliciesView({ signed, policyId }: { signed: Signed; policyId: string | null }) {
  const policies = useLoad(() => allPolicies(signed.api), [signed, policyId]);
  const { problem, run } = useAction(policies.reload);
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
      <Problem message={problem} />
      <LoadFailure error={policies.error} />
      <table class="policies">
        <ColumnHeads names={["Name", "Levels", admin && "Manage"]} />
        <tbody>
          {(policies.value ?? []).map((policy) => (
            <tr key={policy.id}>
              <td data-label="Name">
                <a href={`#/policies/${policy.id}`}>{policy.name}</a>
              </td>
              <td data-label="Levels">{policy.levels.length}</td>
              {admin && (
                <td data-label="Manage">
                  <DangerButton
                    question={`Delete the policy ${policy.name}?`}
                    onConfirm={() =>
                      run(() =>
                        signed.api.policies.deleteEscalationPolicy({
                          escalationPolicyId: policy.id,
                        }),
                      )
                    }
                  >
                    Delete
                  </DangerButton>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
