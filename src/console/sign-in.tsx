import { useState } from "preact/hooks";

/** Asks for an API key; it is kept for this tab only. */
export function SignIn({
  onSignIn,
  notice,
}: {
  onSignIn: (secret: string) => Promise<string | null>;
  notice: string | null;
}) {
  const [secret, setSecret] = useState("");
  const [problem, setProblem] = useState<string | null>(notice);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setProblem(await onSignIn(secret.trim()));
    setBusy(false);
  }
  return (
    <main class="sign-in">
      <h1>Pager</h1>
      <form onSubmit={submit}>
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autocomplete="off"
          required
          value={secret}
          onInput={(event) => setSecret(event.currentTarget.value)}
          aria-describedby={problem === null ? "api-key-help" : "api-key-problem"}
          aria-invalid={problem !== null}
        />
        <p id="api-key-help" class="help">
          An admin, responder or viewer key. It is kept in this tab only and forgotten when the tab
          closes.
        </p>
        {problem !== null && (
          <p id="api-key-problem" class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
