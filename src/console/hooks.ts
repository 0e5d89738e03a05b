import { useEffect, useState } from "preact/hooks";
import type { AlertFeed } from "./alert-feed.js";
import { refusalOf } from "./errors.js";

/** Re-renders on every change of the feed. */
export function useFeed(feed: AlertFeed): AlertFeed {
  const [, setVersion] = useState(0);
  useEffect(() => feed.subscribe(() => setVersion((version) => version + 1)), [feed]);
  return feed;
}

/** The current time, moving every `intervalMs`, so ages stay true without a reload. */
export function useNow(intervalMs = 5000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** The part of the address after `#`, as a path: `#/alerts/123` is `/alerts/123`. */
export function useHashPath(): string {
  const read = () => window.location.hash.replace(/^#/, "") || "/alerts";
  const [path, setPath] = useState(read);
  useEffect(() => {
    const update = () => setPath(read());
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return path;
}

/**
 * Runs `load` when `deps` change and whenever `reload` is called; keeps the
 * last result, or what the server refused.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): { value: T | undefined; error: unknown; reload: () => void } {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    load().then(
      (result) => {
        if (!current) return;
        setValue(result);
        setError(null);
      },
      (failure: unknown) => {
        if (current) setError(failure);
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  return { value, error, reload: () => setRound((r) => r + 1) };
}

/**
 * What a button asks of the server, run the same way in every view: `busy` while it runs (so
 * the buttons can wait for it), then `done` (usually a reload of what it changed). A refusal
 * becomes `problem`, the server's message for the view to show; the next attempt clears it.
 * `run` says whether the action went through.
 */
export function useAction(done: () => void): {
  problem: string | null;
  busy: boolean;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
} {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function run(action: () => Promise<unknown>): Promise<boolean> {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      done();
      return true;
    } catch (error) {
      setProblem(refusalOf(error).message);
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { problem, busy, run };
}
