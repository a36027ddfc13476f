export { type Clock, type ManualClock, manualClock, systemClock } from './clock.js';
export { type Duration, formatDuration, parseDuration } from './duration.js';
