/** The attributes `<ticketkit-widget>` reads. */
export interface TicketkitWidgetAttributes {
  endpoint: string;
  position?: 'bottom-right' | 'bottom-left';
  'z-index'?: string | number;
  locale?: string;
  nonce?: string;
  open?: boolean;
  storage?: 'session' | 'local' | 'none';
  department?: string;
  topic?: string;
  inline?: boolean;
  class?: string;
  id?: string;
}

declare global {
  namespace JSX {
    interface IntrinsicElements {
      'ticketkit-widget': TicketkitWidgetAttributes & Record<string, unknown>;
    }
  }
}
