import { createHelpDesk, memoryStorage } from '@ticketkit/core';
import { createSupportApi, type SupportApiOptions } from '@ticketkit/server';
import { expect, test } from 'vitest';

/** `intake.departments` chooses which departments `GET /intake-schema` offers a public form. */
async function departmentsOffered(intake: SupportApiOptions['intake']) {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  await desk.departments.upsert({ id: 'help', name: 'Help Desk' });
  await desk.departments.upsert({ id: 'billing', name: 'Billing' });
  await desk.departments.upsert({ id: 'l2', name: 'Level 2 Support' });
  const api = createSupportApi(desk, intake ? { intake } : {});
  const response = await api.fetch(new Request('http://desk.test/intake-schema'));
  expect(response.status).toBe(200);
  const body = (await response.json()) as { departments: unknown };
  await desk.close();
  return body.departments;
}

test('a list of department ids makes those departments public, in that order, skipping ids the desk lacks', async () => {
  expect(await departmentsOffered({ departments: ['billing', 'gone', 'help'] })).toEqual([
    { id: 'billing', name: 'Billing' },
    { id: 'help', name: 'Help Desk' },
  ]);
});

test('true offers every department; false and the default offer none', async () => {
  expect(await departmentsOffered({ departments: true })).toHaveLength(3);
  expect(await departmentsOffered({ departments: false })).toBeNull();
  expect(await departmentsOffered(undefined)).toBeNull();
});

test('intake.departments must be a boolean or a list of ids', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  expect(() => createSupportApi(desk, { intake: { departments: 'help' as never } })).toThrow(/intake\.departments/);
  expect(() => createSupportApi(desk, { intake: { departments: [''] } })).toThrow(/intake\.departments/);
});

test('the OpenAPI document describes the public departments of the intake schema', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  const text = JSON.stringify(createSupportApi(desk).openApiDocument());
  expect(text).toContain('Departments a public form offers');
});

test('intake.priority lists the priorities in /intake-schema only when enabled, and the document describes them', async () => {
  const desk = await createHelpDesk({ storage: memoryStorage() });
  const priorities = async (intake: SupportApiOptions['intake']) => {
    const api = createSupportApi(desk, intake ? { intake } : {});
    const response = await api.fetch(new Request('http://desk.test/intake-schema'));
    return ((await response.json()) as { priorities: unknown }).priorities;
  };
  expect(await priorities({ priority: true })).toEqual(['low', 'normal', 'high', 'urgent']);
  expect(await priorities({ priority: false })).toBeNull();
  expect(await priorities(undefined)).toBeNull();
  expect(() => createSupportApi(desk, { intake: { priority: 'yes' as never } })).toThrow(/intake\.priority/);
  expect(JSON.stringify(createSupportApi(desk).openApiDocument())).toContain('Priorities a public form offers');
  await desk.close();
});
