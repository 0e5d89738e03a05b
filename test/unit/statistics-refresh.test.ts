import { expect } from "chai";
import {
  type AnalyzedTable,
  StatisticsRefresh,
  type TableStatistics,
} from "../../src/platform/workers/statistics-refresh.js";
import { MemoryLog } from "../support/memory-log.js";

/** Answers each round with the next scripted list of analyzed tables. */
class ScriptedTables implements TableStatistics {
  constructor(private readonly rounds: AnalyzedTable[][]) {}

  async analyzeOutgrown(): Promise<readonly AnalyzedTable[]> {
    return this.rounds.shift() ?? [];
  }
}

describe("statistics refresh", () => {
  it("tells the operator which tables it analyzed and why, and stays quiet otherwise", async () => {
    const log = new MemoryLog();
    const grown = { table: "alerts", rows: 12_000, rowsBefore: 0 };
    const refresh = new StatisticsRefresh(
      { tables: new ScriptedTables([[], [grown], []]), log },
      1000,
    );
    const waits = [await refresh.tick(), await refresh.tick(), await refresh.tick()];
    expect(waits, "every round plans the next one interval later").to.deep.equal([
      1000, 1000, 1000,
    ]);
    expect(log.summary()).to.deep.equal(["info analyzed tables that outgrew their statistics"]);
    expect(log.lines[0]?.fields).to.deep.equal({ tables: [grown] });
  });
});
