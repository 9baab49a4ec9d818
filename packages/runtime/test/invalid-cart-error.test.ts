import { describe, expect, it } from "vitest";
import { cartError } from "../src/cart/errors.js";
import { InvalidCartError } from "../src/engine/evaluator.js";

describe("InvalidCartError", () => {
  it("names each path once", () => {
    const error = new InvalidCartError([cartError("/lines/0/unitPrice", "must be a decimal string"), cartError("", "invalid JSON")]);
    expect(error.message).toBe("invalid cart: /lines/0/unitPrice: must be a decimal string; (root): invalid JSON");
  });
});
