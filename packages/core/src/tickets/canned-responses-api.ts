import type * as z from 'zod';
import type { DirectoryApi } from '../desk/directory-api.js';
import type { actorSchema } from '../schemas/actor.js';
import type { CannedResponseInput } from '../schemas/directory.js';

// The shape of `desk.cannedResponses`, apart from its implementation: `HelpDesk` names it without importing the desk's internals.

/** Options of `desk.cannedResponses.render`. */
export interface RenderCannedResponseOptions {
  /** The agent who would send it: `{{agent.name}}` is theirs, and they must be able to act on the ticket. */
  actor: z.input<typeof actorSchema>;
  /**
   * `'text'` as a reply is stored and sent; `'html'` with every value
   * HTML-escaped, for showing the preview in a page.
   * @default 'text'
   */
  format?: 'text' | 'html';
}

/** Canned responses: the directory API, plus filling one in for a ticket. */
export interface CannedResponsesApi extends DirectoryApi<'cannedResponses', CannedResponseInput> {
  /**
   * Fills in a canned response for a ticket, as `reply({ cannedResponseId })`
   * would send it: the preview an agent sees before sending or editing it.
   * The response must be usable in the ticket's department.
   */
  render(id: string, ref: string, options: RenderCannedResponseOptions): Promise<string>;
}
