// Says plainly which Node.js Tangrod needs, before an older Node fails on TypeScript syntax it cannot strip.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`Tangrod needs Node.js 24 LTS (22.18 or later); this is ${process.version}.`);
  console.error('Run `source scripts/use-node.sh` in this shell to fetch Node 24 from the npm registry, then try again.');
  process.exit(1);
}
