/**
 * TLS material for the local HTTPS stand-ins (Log Analytics, ARM, Azurite with OAuth). The Azure SDKs send a
 * bearer token only over https, so the stand-ins must speak TLS; clients trust this certificate by passing
 * `ca` (e.g. `tlsOptions: { ca }`), never by turning verification off.
 */
import { LOOPBACK_CERT_PEM, LOOPBACK_KEY_PEM } from "./tls/pem.js";

export interface LoopbackTls {
  /** Server certificate (PEM), valid for `localhost` and `127.0.0.1` only. */
  cert: string;
  /** Its private key (PEM). A public fixture: it secures nothing beyond loopback. */
  key: string;
  /** What a client must trust to talk to the stand-ins: the same self-signed certificate. */
  ca: string;
}

export function loopbackTls(): LoopbackTls {
  return { cert: LOOPBACK_CERT_PEM, key: LOOPBACK_KEY_PEM, ca: LOOPBACK_CERT_PEM };
}
