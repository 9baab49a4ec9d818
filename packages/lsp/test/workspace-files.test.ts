import { memoryHost } from "@promo/dsl";
import { describe, expect, it } from "vitest";
import { Workspace, type WorkspaceFiles } from "../src/workspace.js";

/** The workspace reads only through WorkspaceFiles: an in-memory store works with no file system (the browser case). */
describe("workspace over in-memory files", () => {
  const files: Record<string, string> = { "/mem/a.promo": "promotion oops\n", "/mem/sub/b.promo": "", "/mem/c.txt": "" };
  const listed: string[] = [];
  const store: WorkspaceFiles = {
    host: memoryHost(files),
    list: (folder, limit) => {
      listed.push(folder);
      return Object.keys(files)
        .filter((p) => p.startsWith(`${folder}/`) && p.endsWith(".promo"))
        .sort()
        .slice(0, limit);
    },
  };

  it("lists and analyzes files from the store, never the disk", () => {
    const workspace = new Workspace(store);
    workspace.setFolders(["file:///mem"]);
    expect(workspace.files()).toEqual(["file:///mem/a.promo", "file:///mem/sub/b.promo"]);
    expect(listed).toEqual(["/mem"]);
    const analysis = workspace.analyze("file:///mem/a.promo");
    expect(analysis?.text).toBe("promotion oops\n");
    expect(analysis?.diagnostics.length).toBeGreaterThan(0);
    expect(workspace.analyze("file:///mem/missing.promo")).toBeUndefined();
  });
});
