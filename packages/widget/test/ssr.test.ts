import { expect, test } from 'vitest';

test('importing the widget on a server touches no DOM, and defining it there is a no-op', async () => {
  expect(typeof (globalThis as { document?: unknown }).document).toBe('undefined');
  const widget = await import('../src/index.js');
  expect(widget.TAG).toBe('ticketkit-widget');
  expect(() => widget.defineTicketkitWidget()).not.toThrow();
  expect(typeof widget.TicketkitWidget).toBe('function');
});

test('followUrl puts the ticket number (a string, leading zeros kept) and the token in the fragment', async () => {
  const { followUrl } = await import('../src/index.js');
  expect(followUrl('https://app.example/help#old', 'AC-00864', 'tok_123-x')).toBe(
    'https://app.example/help#tk=AC-00864.tok_123-x',
  );
});
