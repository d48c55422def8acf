/**
 * The new data files of issue 15 are checked like the flows: shape first (zod), then meaning, each
 * problem naming its file and path (the services section of policy.yaml, repatriation.yaml).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildServicePolicy } from '../src/care/service-policy.ts';
import { readYamlFile } from '../src/core/yaml-file.ts';
import { loadDirectory } from '../src/directory/directory.ts';
import { loadFlows, loadDictionary } from '../src/flow/load.ts';
import { buildRepatriationPlans } from '../src/repatriation/plan-definitions.ts';

const FLOWS = path.resolve('flows');
const dictionary = loadFlows(FLOWS, loadDictionary(FLOWS)).dictionary;
const directory = loadDirectory(FLOWS);
const scope = { dictionary, agencyIds: new Set(directory.byId.keys()), caseTypes: new Set(['labour_exploitation', 'unclear']) };
const POLICY = 'flows/policy.yaml';
const PLANS = 'flows/repatriation.yaml';
const shipped = readYamlFile(path.join(FLOWS, 'policy.yaml')) as { services: Record<string, unknown> };
const services = (s: Record<string, unknown>) => buildServicePolicy(POLICY, { services: { ...shipped.services, ...s } }, scope).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
const plan = (steps: unknown[], when: unknown = { current_country: 'TH' }) => buildRepatriationPlans(PLANS, { plans: [{ id: 'p', when, steps }] }, { dictionary, directory, hasText: (k) => (k === 'return_update.document' ? [] : ['km']) }).problems.map((p) => `${p.file}: ${p.path}: ${p.message}`);
const step = (s: Record<string, unknown>) => ({ id: 's', agency: 'th-msdhs-1300', due_days: 3, ...s });

describe('services in policy.yaml', () => {
  it('the shipped section is valid', () => {
    expect(buildServicePolicy(POLICY, shipped, { ...scope, caseTypes: new Set(['labour_exploitation']) }).problems).toEqual([]);
  });
  it.each([
    [{ targets: { shelter: 24 } }, 'flows/policy.yaml: services.targets.medical: missing: the need "medical" has no response target'],
    [{ targets: { ...(shipped.services.targets as object), sauna: 3 } }, 'flows/policy.yaml: services.targets.sauna: "sauna" is not a value of needs'],
    [{ routing: [{ name: 'r', kind: ['shelter'], when: {}, agency: 'th-nobody' }] }, 'flows/policy.yaml: services.routing[0] (r).agency: unknown agency "th-nobody"'],
    [{ routing: [{ name: 'r', kind: ['shelter'], when: { planet: 'mars' }, agency: 'iom-th' }] }, 'flows/policy.yaml: services.routing[0] (r).when: unknown key "planet"'],
    [{ routing: [{ name: 'r', kind: ['shelter'], when: {}, agency: 'iom-th', extra: 1 }] }, 'flows/policy.yaml: services, routing[0]: Unrecognized key: "extra"'],
    [{ fallback_agency: 'xx-none' }, 'flows/policy.yaml: services.fallback_agency: unknown agency "xx-none"'],
  ])('%j', (change, problem) => {
    expect(services(change)).toContain(problem);
  });
});

describe('repatriation.yaml', () => {
  it.each([
    [[step({ agency: 'kh-ncct' })], 'flows/repatriation.yaml: plans[0] (p).steps[0] (s).agency: "kh-ncct" is abroad or a foreign authority: mark the step cross_border: true'],
    [[step({ agency: { nationality: { KH: 'kh-nobody' }, otherwise: 'iom-th' }, cross_border: true })], 'flows/repatriation.yaml: plans[0] (p).steps[0] (s).agency: unknown agency "kh-nobody"'],
    [[step({}), step({})], 'flows/repatriation.yaml: plans[0] (p).steps[1] (s): duplicate step id "s"'],
    [[step({ tell_reporter: 'return_update.nowhere' })], 'flows/repatriation.yaml: plans[0] (p).steps[0] (s).tell_reporter: "return_update.nowhere" is missing in locales km'],
    [[step({ only_if: { colour: 'red' } })], 'flows/repatriation.yaml: plans[0] (p).steps[0] (s).only_if: unknown key "colour"'],
    [[step({ due_days: -1 })], 'flows/repatriation.yaml: repatriation, plans[0].steps[0].due_days: Too small: expected number to be >0'],
  ])('%j', (steps, problem) => {
    expect(plan(steps)).toContain(problem);
  });
  it('accepts a well-formed plan', () => {
    expect(plan([step({ tell_reporter: 'return_update.document' }), step({ id: 't', agency: 'kh-ncct', cross_border: true })])).toEqual([]);
  });
});
