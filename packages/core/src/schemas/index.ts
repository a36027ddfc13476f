export * from './actor.js';
export * from './audit.js';
export * from './commands.js';
export * from './directory.js';
export * from './enums.js';
export { findUnsafeInput, parseInput, toValidationIssues } from './parse.js';
export * from './primitives.js';
export * from './thread.js';
export * from './ticket.js';
