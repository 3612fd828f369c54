/**
 * Set up for every test file: the Functions host does not run in tests, so `app`'s registrars are recorders.
 * Importing a function file registers its functions; outside the host, the real `app` would switch itself to
 * "test mode" and warn on every registration. `test/functions/registration.test.ts` asserts what is recorded.
 */
import { vi } from "vitest";

vi.mock("@azure/functions", async (original) => {
  const actual = await original<typeof import("@azure/functions")>();
  return { ...actual, app: { ...actual.app, timer: vi.fn(), http: vi.fn(), storageQueue: vi.fn() } };
});
