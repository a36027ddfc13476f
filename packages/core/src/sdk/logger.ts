/** Where ticketkit reports problems it does not throw: failing listeners and after-hooks. */
export interface Logger {
  /** Something went wrong but the command succeeded. */
  warn(message: string, details?: Record<string, unknown>): void;
  /** Something failed and was contained. */
  error(message: string, details?: Record<string, unknown>): void;
}

/** The default logger: `console`. */
export const consoleLogger: Logger = {
  warn: (message, details) => console.warn(`[ticketkit] ${message}`, details ?? ''),
  error: (message, details) => console.error(`[ticketkit] ${message}`, details ?? ''),
};
