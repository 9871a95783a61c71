export { EmbeddedPostgres, type EmbeddedPostgresOptions, type ServerState, type SupervisorLogger } from './supervisor.js';
export { DataDirInUseError, liveHolder } from './service-lock.js';
export { layout, readPassword, DATABASE, PORT, SUPERUSER } from './layout.js';
export { findBinaries } from './binaries.js';
