/**
 * Which hosts may be reached over plain http: loopback only (localhost, 127.0.0.0/8, ::1). Every other
 * endpoint, from settings or not, must be https.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}
