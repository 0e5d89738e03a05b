import { readFileSync } from "node:fs";

/**
 * Turns V8 .cpuprofile files into the lists that answer "where does the
 * server's time go": top functions by self time; self time grouped by the
 * package or source folder of the running function; and the same time
 * blamed on the nearest package or src/ folder on the stack, which charges a
 * syscall or a Node-core frame to the library that asked for it (a socket
 * `writev` issued by pg counts as pg). Idle samples are counted apart so
 * percentages are of busy time.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) of one function or one group. */
export interface SelfTime {
  readonly name: string;
  readonly ms: number;
}

/** The summary of one or more profiles of the same kind of window. */
export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: SelfTime[];
  readonly groups: SelfTime[];
  /** Time charged to the nearest package or src/ folder on the stack. */
  readonly blamed: SelfTime[];
}

const ROOT = `${process.cwd()}/`;

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const inModules = path.lastIndexOf("/node_modules/");
  if (inModules >= 0) return path.slice(inModules + "/node_modules/".length);
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}

/** Which package or folder a frame belongs to. */
function groupOf(frame: ProfileNode["callFrame"]): string {
  if (frame.url === "") return frame.functionName.startsWith("(") ? frame.functionName : "(native)";
  const path = shortUrl(frame.url);
  if (path.startsWith("node:")) {
    const parts = path.split("/");
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  const parts = path.split("/");
  if (frame.url.includes("/node_modules/")) {
    return parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
  }
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? path);
}

/** The package or src/ folder of a frame, or null for Node core and native frames. */
function ownerOf(frame: ProfileNode["callFrame"]): string | null {
  if (frame.url === "" || frame.url.startsWith("node:")) return null;
  return groupOf(frame);
}

/** Reads and merges profiles; `top` bounds each list. */
export function summarizeProfiles(paths: readonly string[], top = 25): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  const byOwner = new Map<string, number>();
  let busyUs = 0;
  let idleUs = 0;
  for (const path of paths) {
    const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
    const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
    const parents = new Map<number, number>();
    for (const node of profile.nodes) {
      for (const child of node.children ?? []) parents.set(child, node.id);
    }
    const ownerCache = new Map<number, string | null>();
    const ownerOnStack = (id: number): string | null => {
      if (ownerCache.has(id)) return ownerCache.get(id) ?? null;
      const node = nodes.get(id);
      const parent = parents.get(id);
      const owner =
        node === undefined
          ? null
          : (ownerOf(node.callFrame) ?? (parent === undefined ? null : ownerOnStack(parent)));
      ownerCache.set(id, owner);
      return owner;
    };
    for (let i = 0; i < profile.samples.length; i += 1) {
      const node = nodes.get(profile.samples[i] ?? -1);
      // The time until the next sample is what this sample stands for.
      const us = profile.timeDeltas[i + 1] ?? 0;
      if (node === undefined) continue;
      const frame = node.callFrame;
      if (frame.functionName === "(idle)") {
        idleUs += us;
        continue;
      }
      busyUs += us;
      const where = frame.url === "" ? "" : ` ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      const name = `${frame.functionName || "(anonymous)"}${where}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
      const group = groupOf(frame);
      byGroup.set(group, (byGroup.get(group) ?? 0) + us);
      const owner =
        frame.url === "" && frame.functionName.startsWith("(")
          ? group
          : (ownerOnStack(node.id) ?? `node core: ${group}`);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    }
  }
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000 }));
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    functions: ranked(byFunction),
    groups: ranked(byGroup),
    blamed: ranked(byOwner),
  };
}
