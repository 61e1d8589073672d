/**
 * A Google Drive v3 fake for tests: start it with `startDriveFake`, point the
 * real googleapis client at it with a per-call `rootUrl`, and drive it with
 * the control API. See server.ts for an example.
 */
export { startDriveFake } from './server.ts';
export { DriveFake, type DriveFakeOptions, type FileDump } from './drive-fake.ts';
export type { CallCounts, MethodCounts } from './call-counts.ts';
export type { FaultKind, FailNextSpec, RandomFaultSpec } from './faults.ts';
export { FAULT_KINDS } from './faults.ts';
export type { MethodName } from './method-names.ts';
export type { Principal, PrincipalSpec, PrincipalKind, Role, Scope, ShareRole } from './model.ts';
export { DRIVE_ROLES, FOLDER_MIME, SHARE_ROLES } from './model.ts';
export { MY_DRIVE_RULES, SHARED_DRIVE_RULES, type Operation, type RoleRule } from './role-rules.ts';
export type { SharedDriveSpec } from './state.ts';
export { parseQuery, QueryError } from './query-parser.ts';
