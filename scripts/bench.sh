#!/usr/bin/env bash
# OrleansAttest benchmarks (see benchmarks/README.md):
#   scripts/bench.sh grains memory --nodes 10000 [--json out.json]        bytes per attested node, one silo
#   scripts/bench.sh grains latency --nodes 10000 --interval 30s --duration 2m
#   scripts/bench.sh grains failover --nodes 300 [--watchdog 1m]          SIGKILL one of 3 silo processes
#   scripts/bench.sh enrollment [--runs 30] [--ak rsa|ecc|both] [--json out.json]  agent start → credentials on disk (swtpm)
#   scripts/bench.sh revocation [--runs 20] [--interval 2s] [--json out.json]  failed quote → last revocation write at the API server
#   scripts/bench.sh fleet storm --nodes 10000 [--json out.json]         simulated agents → real gateway + silo processes
#   scripts/bench.sh fleet steady --nodes 10000 --interval 10s --duration 60s [--json out.json]
#   scripts/bench.sh micro [BenchmarkDotNet arguments, default --filter '*']
# Builds in Release (artifacts in $BENCH_ARTIFACTS, default ./artifacts/bench), then runs. The consoles exit 1 when
# a run saw something it must not (a false failure, nodes that never attested or were never revoked), 2 on bad arguments.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
}

artifacts=${BENCH_ARTIFACTS:-$PWD/artifacts/bench}
suite=${1:-}
[ $# -gt 0 ] && shift

case "$suite" in
  grains)
    # redis-server for the failover scenario and --storage redis.
    scripts/install-deps.sh
    dotnet build benchmarks/Grains/OrleansAttest.Benchmarks.Grains.csproj -c Release --artifacts-path "$artifacts" -nologo -clp:ErrorsOnly >&2
    exec "$artifacts/bin/OrleansAttest.Benchmarks.Grains/release/orleansattest-bench" "$@"
    ;;
  enrollment)
    # swtpm and swtpm_setup for the devices.
    scripts/install-deps.sh
    dotnet build benchmarks/Enrollment/OrleansAttest.Benchmarks.Enrollment.csproj -c Release --artifacts-path "$artifacts" -nologo -clp:ErrorsOnly >&2
    exec "$artifacts/bin/OrleansAttest.Benchmarks.Enrollment/release/orleansattest-enrollment-bench" "$@"
    ;;
  revocation)
    # In-process: the Kubernetes API test server and the product silo (SiloProgram.Build); no external tools needed.
    dotnet build benchmarks/Revocation/OrleansAttest.Benchmarks.Revocation.csproj -c Release --artifacts-path "$artifacts" -nologo -clp:ErrorsOnly >&2
    exec "$artifacts/bin/OrleansAttest.Benchmarks.Revocation/release/orleansattest-revocation-bench" "$@"
    ;;
  fleet)
    # redis-server for the cluster the silo and gateway processes share.
    scripts/install-deps.sh
    dotnet build benchmarks/Fleet/OrleansAttest.Benchmarks.Fleet.csproj -c Release --artifacts-path "$artifacts" -nologo -clp:ErrorsOnly >&2
    exec "$artifacts/bin/OrleansAttest.Benchmarks.Fleet/release/orleansattest-fleet-bench" "$@"
    ;;
  micro)
    [ $# -gt 0 ] || set -- --filter '*'
    exec dotnet run -c Release --project benchmarks/Micro/OrleansAttest.Benchmarks.Micro.csproj --artifacts-path "$artifacts" -- "$@"
    ;;
  *)
    usage
    exit 2
    ;;
esac
