import { describe, expect, it } from "vitest";
import { runUpTo } from "./stage-helpers.js";

const text = "currency USD\nwindow sale = from 2026-11-11 00:00:00 to 2026-11-11 23:59:59 in UTC\n";

describe("stage windows", () => {
  it("resolves named windows to instants before promotions read them", () => {
    expect(runUpTo("windows", text, { including: false }).tables.windows.size).toBe(0);
    const windows = [...runUpTo("windows", text).tables.windows.values()];
    expect(windows).toEqual([{ startMs: Date.UTC(2026, 10, 11), endMs: Date.UTC(2026, 10, 11, 23, 59, 59, 999), zone: "UTC" }]);
  });
});
