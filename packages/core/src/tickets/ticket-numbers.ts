import { validationError } from '../errors/ticketkit-error.js';
import { randomBytes } from '../internal/ids.js';
import type { StorageGateway } from '../storage/storage-gateway.js';

/**
 * How ticket numbers look, osTicket-style. `format` is a mask: each `#` is a
 * digit, everything else is literal text (`'TK-######'`). By default the
 * digits are random (unique, retried on collision, so numbers reveal nothing
 * about volume); with `sequence: true` the run of `#` is a zero-padded
 * counter (`'TK-######'` → `TK-000042`), growing past the mask's width when
 * it must.
 */
export interface TicketNumberOptions {
  /**
   * The mask.
   * @default '######'
   */
  format?: string;
  /**
   * Number tickets from a counter instead of at random.
   * @default false
   */
  sequence?: boolean;
}

/** Makes candidate ticket numbers for a desk. */
export interface TicketNumberer {
  /** The next candidate. Random candidates may collide; the caller retries on `CONFLICT`. */
  next(): Promise<string>;
}

const MASK = /^[A-Za-z0-9#._\-/]{1,32}$/;

/** Checks the options and returns a {@link TicketNumberer}. */
export function createTicketNumberer(options: TicketNumberOptions, storage: StorageGateway): TicketNumberer {
  const format = options.format ?? '######';
  const refuse = (message: string) => validationError([{ path: ['ticketNumber', 'format'], message }], 'options');
  if (!MASK.test(format)) throw refuse('must be 1 to 32 letters, digits, # . _ - /');
  const runs = format.match(/#+/g) ?? [];
  if (runs.length === 0) throw refuse("must contain at least one '#' for the digits");

  if (options.sequence) {
    if (runs.length !== 1) throw refuse("must contain one run of '#' when numbering from a sequence");
    const width = runs[0]?.length ?? 1;
    return {
      async next() {
        const value = await storage.nextSequence('ticket_number');
        return format.replace(/#+/, String(value).padStart(width, '0'));
      },
    };
  }

  return {
    async next() {
      const count = runs.reduce((total, run) => total + run.length, 0);
      const digits = randomDigits(count);
      let index = 0;
      return format.replace(/#/g, () => digits[index++] ?? '0');
    },
  };
}

function randomDigits(count: number): string {
  let digits = '';
  while (digits.length < count) {
    for (const byte of randomBytes(count)) {
      // Rejection sampling keeps every digit equally likely (256 is not a multiple of 10).
      if (byte < 250 && digits.length < count) digits += String(byte % 10);
    }
  }
  return digits;
}
