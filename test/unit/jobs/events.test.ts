import { describe, expect, it } from "vitest";
import { TypedEmitter } from "../../../src/jobs/index.js";

interface Map {
  "a:one": { n: number };
  "a:two": { s: string };
}

describe("TypedEmitter", () => {
  it("delivers to every listener of a name, in order, and unsubscribes", () => {
    const e = new TypedEmitter<Map>();
    const got: string[] = [];
    const off = e.on("a:one", ({ n }) => got.push(`first ${n}`));
    e.on("a:one", ({ n }) => got.push(`second ${n}`));
    e.on("a:two", ({ s }) => got.push(`two ${s}`));
    e.emit("a:one", { n: 1 });
    off();
    e.emit("a:one", { n: 2 });
    e.emit("a:two", { s: "x" });
    expect(got).toEqual(["first 1", "second 1", "second 2", "two x"]);
    expect(e.listenerCount("a:one")).toBe(1);
  });

  it("reports a throwing listener and still calls the others", () => {
    const errors: Array<[unknown, string]> = [];
    const e = new TypedEmitter<Map>((err, name) => errors.push([err, String(name)]));
    let reached = false;
    e.on("a:one", () => {
      throw new Error("listener bug");
    });
    e.on("a:one", () => (reached = true));
    expect(() => e.emit("a:one", { n: 1 })).not.toThrow();
    expect(reached).toBe(true);
    expect(errors.map(([err, name]) => [(err as Error).message, name])).toEqual([["listener bug", "a:one"]]);
  });
});
