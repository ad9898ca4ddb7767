#!/usr/bin/env bash
# Installs what OrleansAttest's tests and demo need on a fresh Debian 12 machine (idempotent, quiet when
# everything is already there): swtpm and tpm2-tools for the TPM tests and demo, redis-server for the multi-silo
# tests, openssl for cross-checks. Needs root, or sudo for apt-get. The .NET 10 SDK is a prerequisite (not in
# Debian's archive); this script checks for it.
set -euo pipefail

packages=(ca-certificates openssl swtpm swtpm-tools tpm2-tools redis-server)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
    as_root=(sudo)
  fi
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "install-deps: the .NET 10 SDK is required (dotnet not on PATH): https://learn.microsoft.com/dotnet/core/install/linux-debian" >&2; exit 1; }
dotnet --list-sdks | grep -q '^10\.' || { echo "install-deps: a .NET 10 SDK is required; found: $(dotnet --list-sdks | tr '\n' ' ')" >&2; exit 1; }
