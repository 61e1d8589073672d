#!/usr/bin/env bash
# Makes sure this machine can build and run storyloom's container without a container registry: podman (which
# builds with buildah inside it), runc (Debian's podman brings crun, which refuses this kind of machine's hybrid
# cgroup layout), mmdebstrap (for the local base image, scripts/container/base-image.sh) and podman-compose (for
# compose.yaml), from Debian's packages.
# Installs what is missing when it can (root with apt-get), and otherwise stops with a message that names exactly
# what is missing.
set -euo pipefail

missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
command -v podman-compose >/dev/null || missing+=(podman-compose)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "storyloom: installing Debian packages for the container test: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
else
  echo "storyloom: missing Debian packages for the container test: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
