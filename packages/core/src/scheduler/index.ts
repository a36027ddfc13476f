export type { Scheduler, SchedulerStartOptions, SweepReport, TicketSweepReport } from './scheduler.js';
