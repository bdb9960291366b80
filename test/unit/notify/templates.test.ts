import { describe, expect, it } from "vitest";
import {
  compileTemplate,
  fillTemplate,
  literalTemplate,
  missingVariables,
  planSegments,
} from "../../../src/notify/templates.js";
import { menuPromptText, menuSchema } from "../../../src/notify/menu.js";

describe("templates", () => {
  it("finds variables in order of first use, with {{ }} as literal braces", () => {
    const t = compileTemplate("Hi {name}, {{not a var}} see you {date}; bye {name}.");
    expect(t.variables).toEqual(["name", "date"]);
    expect(fillTemplate(t, { name: "Ann", date: "Monday" })).toBe("Hi Ann, {not a var} see you Monday; bye Ann.");
  });

  it("names the position of a broken template", () => {
    expect(() => compileTemplate("Hello {name")).toThrow(/unclosed '\{' at character 7/);
    expect(() => compileTemplate("Hello name}")).toThrow(/unmatched '\}' at character 11/);
    expect(() => compileTemplate("Hello {first name}")).toThrow(/not a variable name/);
    expect(() => compileTemplate("{a}")).not.toThrow();
    expect(() => compileTemplate("...")).toThrow(/says nothing/);
  });

  it("splits static text from variables, sentence by sentence, with a pause where sentences meet", () => {
    const t = compileTemplate("Hello {name}, your appointment is on {date}. Reply soon. Thanks!");
    expect(planSegments(t, { name: "Ann", date: "Monday the 3rd" }, 300)).toEqual([
      { text: "Hello", kind: "static", pauseBeforeMs: 0 },
      { text: "Ann", kind: "variable", pauseBeforeMs: 0 },
      { text: ", your appointment is on", kind: "static", pauseBeforeMs: 0 },
      { text: "Monday the 3rd", kind: "variable", pauseBeforeMs: 0 },
      { text: "Reply soon.", kind: "static", pauseBeforeMs: 300 },
      { text: "Thanks!", kind: "static", pauseBeforeMs: 300 },
    ]);
  });

  it("keeps the static pieces identical across recipients, so they share cache entries", () => {
    const t = compileTemplate("Dear {name}. Your parcel arrives {day}.");
    const statics = (vars: Record<string, string>) =>
      planSegments(t, vars, 250)
        .filter((s) => s.kind === "static")
        .map((s) => s.text);
    expect(statics({ name: "Ann", day: "today" })).toEqual(statics({ name: "Bob Stone", day: "on Friday" }));
  });

  it("reports missing or empty variables, and cleans values before they are spoken", () => {
    const t = compileTemplate("Hi {name}, code {code}.");
    expect(missingVariables(t, { name: "  ", code: 42 })).toEqual(["name"]);
    expect(() => planSegments(t, { code: "1" }, 0)).toThrow(/missing template variables: name/);
    expect(planSegments(t, { name: "Ann\u0000\n Lee", code: "x".repeat(500) }, 0)[1]).toEqual({
      text: "Ann Lee",
      kind: "variable",
      pauseBeforeMs: 0,
    });
    expect(planSegments(t, { name: "A", code: "x".repeat(500) }, 0)[3]?.text).toHaveLength(200);
  });

  it("escapes plain text into a template that says exactly it", () => {
    expect(fillTemplate(compileTemplate(literalTemplate("a {b} c")), {})).toBe("a {b} c");
  });
});

describe("menu", () => {
  it("takes a plain map or options with a prompt, and writes a prompt from the options", () => {
    const m = menuSchema.parse({ "9": "opt_out", "1": "confirm", "2": "transfer" });
    expect(m.options).toEqual({ "1": "confirm", "2": "transfer", "9": "opt_out" });
    expect(menuPromptText(m)).toBe(
      "Press 1 to confirm. Press 2 to speak to someone. Press 9 to stop receiving these calls.",
    );
    expect(menuPromptText(menuSchema.parse({ options: { "#": "repeat" }, prompt: "Say stop or press pound." }))).toBe(
      "Say stop or press pound.",
    );
    expect(menuPromptText(menuSchema.parse({ "*": "repeat" }))).toBe("Press star to hear this message again.");
    expect(menuSchema.safeParse({ "12": "confirm" }).success).toBe(false);
    expect(menuSchema.safeParse({ "1": "dance" }).success).toBe(false);
    expect(menuSchema.safeParse({}).success).toBe(false);
  });
});
