/**
 * `@sluice/test-env` (private): finds the real parts tests need and gates them.
 * @packageDocumentation
 */
export { dockerEngine, removeTestContainers, TEST_IMAGE, TEST_LABEL } from './docker.js';
export {
  dockerTlsStateDir,
  type SshDockerHost,
  sshDockerHost,
  type TlsDockerEngine,
  tlsDockerEngine,
} from './docker-remote.js';
export { findRealPart, type RealPart, underCi } from './real-part.js';
export { type SshServer, sshdStateDir, sshServer } from './sshd.js';
