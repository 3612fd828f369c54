/**
 * The message of the InputError an export's text raises (the test fails when it reads, or fails otherwise).
 */
import { expect } from "vitest";
import { InputError, readExport } from "../../src/logs/formats.js";

export function inputProblem(text: string): string {
  try {
    readExport(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error("expected an InputError");
}
