import { useState } from "preact/hooks";
import type { Signed } from "./app.js";
import { type Refusal, refusalOf } from "./errors.js";
import {
  EMPTY_LEVEL,
  EMPTY_TARGET,
  editorField,
  type LevelDraft,
  levelsOf,
  type PolicyDraft,
  TARGET_FIELD,
  type TargetDraft,
  type TargetKind,
} from "./policy-draft.js";
import { Problem } from "./problem.js";

const KIND_LABEL: Record<TargetKind, string> = {
  email: "Email address",
  sms: "Phone number (E.164, e.g. +14155550123)",
  webhook: "Webhook URL",
};

/** Where an error about `field` is shown, for aria-describedby. */
function errorId(field: string): string {
  return `error-${field}`;
}

/** The server's message under the field it names, or nothing. */
function FieldError({ field, refusal }: { field: string; refusal: Refusal | null }) {
  if (refusal === null || refusal.field === null || editorField(refusal.field) !== field) {
    return null;
  }
  return (
    <p class="field-error error" id={errorId(field)} role="alert">
      {refusal.message}
    </p>
  );
}

/** Attributes that tie an input to the error about it, if the server named it. */
function invalidIf(field: string, refusal: Refusal | null) {
  const named = refusal?.field != null && editorField(refusal.field) === field;
  return { "aria-invalid": named, "aria-describedby": named ? errorId(field) : undefined };
}

/** Every place the editor can show an error, to tell whether the server's was shown. */
function slots(draft: PolicyDraft): Set<string> {
  const all = new Set(["name", "levels"]);
  draft.levels.forEach((level, l) => {
    all.add(`levels[${l}]`);
    all.add(`levels[${l}].ack_timeout`);
    all.add(`levels[${l}].targets`);
    level.targets.forEach((target, t) => {
      all.add(`levels[${l}].targets[${t}]`);
      all.add(`levels[${l}].targets[${t}].${TARGET_FIELD[target.kind]}`);
    });
  });
  return all;
}

function replaced<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((current, i) => (i === index ? item : current));
}

/**
 * Edits a policy's name and levels: who each level pages and how long it
 * waits. The server validates; its errors appear next to the field they
 * name (`levels[1].targets[0].sms.phone_number`).
 */
export function PolicyEditor({
  signed,
  policyId,
  initial,
  readOnly,
}: {
  signed: Signed;
  /** Null for a new policy. */
  policyId: string | null;
  initial: PolicyDraft;
  readOnly: boolean;
}) {
  const [draft, setDraft] = useState(initial);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const setLevel = (index: number, level: LevelDraft) =>
    setDraft({ ...draft, levels: replaced(draft.levels, index, level) });

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setSaved(null);
    try {
      const levels = levelsOf(draft);
      if (policyId === null) {
        const { escalationPolicy } = await signed.api.policies.createEscalationPolicy({
          name: draft.name,
          levels,
        });
        setRefusal(null);
        if (escalationPolicy !== undefined)
          window.location.hash = `#/policies/${escalationPolicy.id}`;
      } else {
        await signed.api.policies.updateEscalationPolicy({
          escalationPolicy: { id: policyId, name: draft.name, levels },
          updateMask: { paths: [] },
        });
        setRefusal(null);
        setSaved("Saved.");
      }
    } catch (error) {
      setRefusal(refusalOf(error));
    } finally {
      setBusy(false);
    }
  }

  const unplaced =
    refusal !== null && (refusal.field === null || !slots(draft).has(editorField(refusal.field)));
  return (
    <form class="policy-editor" onSubmit={save} aria-labelledby="policy-title">
      <p>
        <a href="#/policies">← All policies</a>
      </p>
      <h1 id="policy-title">{policyId === null ? "New escalation policy" : draft.name}</h1>
      <fieldset disabled={readOnly || busy}>
        <label for="policy-name">Name</label>
        <input
          id="policy-name"
          value={draft.name}
          onInput={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          {...invalidIf("name", refusal)}
        />
        <FieldError field="name" refusal={refusal} />
        <FieldError field="levels" refusal={refusal} />
        {draft.levels.map((level, l) => (
          <fieldset class="level card" key={`level-${l}`}>
            <legend>Level {l}</legend>
            <FieldError field={`levels[${l}]`} refusal={refusal} />
            <label for={`levels[${l}].ack_timeout`}>
              Acknowledgement delay in seconds (empty: 15 minutes)
            </label>
            <input
              id={`levels[${l}].ack_timeout`}
              inputMode="numeric"
              value={level.ackSeconds}
              onInput={(e) => setLevel(l, { ...level, ackSeconds: e.currentTarget.value })}
              {...invalidIf(`levels[${l}].ack_timeout`, refusal)}
            />
            <FieldError field={`levels[${l}].ack_timeout`} refusal={refusal} />
            <FieldError field={`levels[${l}].targets`} refusal={refusal} />
            {level.targets.map((target, t) => (
              <TargetRow
                key={`target-${l}-${t}`}
                path={`levels[${l}].targets[${t}]`}
                label={`Level ${l}, target ${t}`}
                target={target}
                refusal={refusal}
                readOnly={readOnly}
                onChange={(changed) =>
                  setLevel(l, { ...level, targets: replaced(level.targets, t, changed) })
                }
                onRemove={() =>
                  setLevel(l, { ...level, targets: level.targets.filter((_, i) => i !== t) })
                }
              />
            ))}
            {!readOnly && (
              <div class="row">
                <button
                  type="button"
                  class="secondary"
                  onClick={() =>
                    setLevel(l, { ...level, targets: [...level.targets, EMPTY_TARGET] })
                  }
                >
                  Add a target to level {l}
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    setDraft({ ...draft, levels: draft.levels.filter((_, i) => i !== l) })
                  }
                >
                  Remove level {l}
                </button>
              </div>
            )}
          </fieldset>
        ))}
        {!readOnly && (
          <div class="row">
            <button
              type="button"
              class="secondary"
              onClick={() => setDraft({ ...draft, levels: [...draft.levels, EMPTY_LEVEL] })}
            >
              Add a level
            </button>
            <button type="submit">Save policy</button>
          </div>
        )}
      </fieldset>
      {unplaced && <Problem message={refusal?.message} />}
      {saved !== null && (
        <p class="ok" role="status">
          {saved}
        </p>
      )}
    </form>
  );
}

function TargetRow({
  path,
  label,
  target,
  refusal,
  readOnly,
  onChange,
  onRemove,
}: {
  path: string;
  label: string;
  target: TargetDraft;
  refusal: Refusal | null;
  readOnly: boolean;
  onChange: (target: TargetDraft) => void;
  onRemove: () => void;
}) {
  const field = `${path}.${TARGET_FIELD[target.kind]}`;
  return (
    <div class="target">
      <label for={`${path}.kind`}>{label}: channel</label>
      <select
        id={`${path}.kind`}
        value={target.kind}
        onChange={(e) => onChange({ ...target, kind: e.currentTarget.value as TargetKind })}
      >
        <option value="email">Email</option>
        <option value="sms">SMS</option>
        <option value="webhook">Webhook</option>
      </select>
      <label for={field}>
        {label}: {KIND_LABEL[target.kind]}
      </label>
      <input
        id={field}
        value={target.value}
        onInput={(e) => onChange({ ...target, value: e.currentTarget.value })}
        {...invalidIf(field, refusal)}
      />
      <FieldError field={field} refusal={refusal} />
      <FieldError field={path} refusal={refusal} />
      {!readOnly && (
        <button type="button" class="quiet" onClick={onRemove}>
          Remove {label.toLowerCase()}
        </button>
      )}
    </div>
  );
}
