/**
 * `npm run bench [-- core|delivery|instances|load|scale]`: every part by default, or the one named.
 * - core (bench/run.ts): engine, conversation, start-up and memory, signals, taps;
 * - delivery (bench/delivery.ts): durability, a hanging platform, an outage;
 * - instances (bench/instances.ts): several instances on PostgreSQL;
 * - load (bench/load.ts): the webhook path under load beside the SDKs' echo bots;
 * - scale (bench/scale.ts): staff pages at 10k / 100k / 1M tickets.
 */
const modes = ['core', 'delivery', 'instances', 'load', 'scale'] as const;
const asked = process.argv[2];
if (asked && !modes.includes(asked as (typeof modes)[number])) {
  console.error(`unknown bench mode ${asked}: one of ${modes.join(', ')}`);
  process.exit(2);
}
for (const mode of asked ? [asked] : modes) {
  if (mode === 'core') await import('./run.ts');
  if (mode === 'delivery') await import('./delivery.ts');
  if (mode === 'instances') await import('./instances.ts');
  if (mode === 'load') {
    const { benchLoad } = await import('./load.ts');
    console.log('\nload: signed webhooks against Tangrod and the echo bots, alternating (medians; compare the ratios)');
    for (const line of await benchLoad()) console.log(line);
  }
  if (mode === 'scale') {
    const { benchScale } = await import('./scale.ts');
    console.log('\nscale: staff pages with many tickets');
    for (const line of await benchScale()) console.log(line);
  }
}
