import { useEffect, useState } from "preact/hooks";
import type { ApiKey } from "../../gen/pager/v1/api_key_service_pb.js";
import { type Abilities, abilitiesOf, roleName } from "./abilities.js";
import { AlertFeed } from "./alert-feed.js";
import { AlertView } from "./alert-view.js";
import { AlertsView } from "./alerts-view.js";
import { type Api, apiWithKey } from "./api.js";
import { refusalOf } from "./errors.js";
import { useHashPath } from "./hooks.js";
import { KeysView } from "./keys-view.js";
import { PoliciesView } from "./policies-view.js";
import { ServicesView } from "./services-view.js";
import { session } from "./session.js";
import { SignIn } from "./sign-in.js";

/** What a signed-in tab holds: the clients with its key, who it is, and the live alerts. */
export interface Signed {
  readonly api: Api;
  readonly key: ApiKey;
  readonly abilities: Abilities;
  readonly feed: AlertFeed;
}

/** The console: sign-in, then the views the key's role allows. */
export function App() {
  const [signed, setSigned] = useState<Signed | null>(null);
  const [restoring, setRestoring] = useState(() => session.read() !== null);
  const [notice, setNotice] = useState<string | null>(null);

  function signOut(message: string | null) {
    setSigned((current) => {
      current?.feed.stop();
      return null;
    });
    session.clear();
    setNotice(message);
  }

  async function signIn(secret: string): Promise<string | null> {
    const api = apiWithKey(secret);
    try {
      const { apiKey } = await api.keys.getCurrentApiKey({});
      const abilities = apiKey === undefined ? null : abilitiesOf(apiKey.role);
      if (apiKey === undefined || abilities === null) {
        session.clear();
        return `This key is for machines (role ${apiKey === undefined ? "unknown" : roleName(apiKey.role)}): sign in with an admin, responder or viewer key.`;
      }
      session.save(secret);
      const feed = new AlertFeed(api, (message) => signOut(message));
      feed.start();
      setNotice(null);
      setSigned({ api, key: apiKey, abilities, feed });
      return null;
    } catch (error) {
      session.clear();
      return refusalOf(error).message;
    }
  }

  useEffect(() => {
    const secret = session.read();
    if (secret === null) return;
    void signIn(secret).then((problem) => {
      setRestoring(false);
      if (problem !== null) setNotice(problem);
    });
  }, []);

  if (signed === null) {
    return restoring ? (
      <p class="loading">Signing in…</p>
    ) : (
      <SignIn onSignIn={signIn} notice={notice} />
    );
  }
  return <Shell signed={signed} onSignOut={() => signOut(null)} />;
}

function Shell({ signed, onSignOut }: { signed: Signed; onSignOut: () => void }) {
  const path = useHashPath();
  const [section = "alerts", id] = path.split("/").filter((part) => part !== "");
  const sections: [string, string][] = [
    ["alerts", "Alerts"],
    ["services", "Services"],
    ["policies", "Policies"],
    ...(signed.abilities.administer ? [["keys", "Keys"] as [string, string]] : []),
  ];
  return (
    <>
      <header class="top">
        <a class="brand" href="#/alerts">
          Pager
        </a>
        <nav aria-label="Main">
          {sections.map(([name, label]) => (
            <a key={name} href={`#/${name}`} aria-current={section === name ? "page" : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class="who">
          {signed.key.name} <span class="role">({roleName(signed.key.role)})</span>
        </span>
        <button type="button" class="quiet" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>{view(signed, section, id)}</main>
    </>
  );
}

function view(signed: Signed, section: string, id: string | undefined) {
  switch (section) {
    case "alerts":
      return id === undefined ? (
        <AlertsView signed={signed} />
      ) : (
        <AlertView signed={signed} alertId={id} />
      );
    case "services":
      return <ServicesView signed={signed} />;
    case "policies":
      return <PoliciesView signed={signed} policyId={id ?? null} />;
    case "keys":
      if (signed.abilities.administer) return <KeysView signed={signed} />;
      break;
  }
  return (
    <p>
      There is no such page here. Go to <a href="#/alerts">Alerts</a>.
    </p>
  );
}
