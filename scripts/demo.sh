#!/usr/bin/env bash
# OrleansAttest's main job on the embedded default: three edge devices prove their boot state, receive credentials
# bound to their TPMs, and one that is tampered with loses them.
#
#   ./scripts/demo.sh        run, show a live table, keep running until Ctrl-C
#   ./scripts/demo.sh --ci   the same scenario unattended; exits 0 only if every step happened
#
# Steps: install what is missing and build → manufacture three software TPMs (swtpm, each with its own EK CA) and
# measure a simulated UEFI Secure Boot + shim + GRUB + Linux boot into each, writing its TCG event log
# (attestctl eventlog simulate-boot) → start the silo (embedded Garnet, co-hosted gateway, admin API, dashboard) →
# make a measured-boot policy from device 1's log (attestctl policy from-eventlog), apply it and declare the three
# nodes → start three edge agents sending their event logs → watch them reach Enrolled with their credentials on
# disk → device 2 loads an unknown boot application (attestctl eventlog measure: PCR 4 extended and logged honestly)
# → that node goes Failed with boot-application-not-allowed and its agent deletes its credentials; the other two
# stay Enrolled.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

ci=false
[ "${1:-}" = "--ci" ] && ci=true
devices=3
quote_interval=5   # seconds: short, so the tamper shows quickly

scripts/install-deps.sh
echo "demo: building the silo, the edge agent and attestctl"
for project in Silo EdgeAgent Cli; do
  dotnet build "$project" -c Release -nologo -clp:ErrorsOnly -v q >/dev/null
done
silo=(dotnet "$repo/Silo/bin/Release/net10.0/OrleansAttest.Silo.dll")
agent=(dotnet "$repo/EdgeAgent/bin/Release/net10.0/edge-agent.dll")
attestctl_bin=(dotnet "$repo/Cli/bin/Release/net10.0/attestctl.dll")
attestctl() { "${attestctl_bin[@]}" "$@"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/orleansattest-demo.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${failures:-0}" -eq 0 ] || ! $ci; then rm -rf "$work"; else echo "demo: logs kept in $work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

failures=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '\033[32m✔ %s\033[0m\n' "$*"; }
fail() { printf '\033[31m✘ %s\033[0m\n' "$*"; failures=$((failures + 1)); }
die() { fail "$*"; echo "demo: failed; logs in $work"; trap - EXIT; for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; exit 1; }

# A TCP port nothing listens on (and the next one, for swtpm's control channel).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((port + 1))") 2>/dev/null; then
      echo "$port"; return 0
    fi
  done
  return 1
}

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1; shift
  for _ in $(seq 1 $((seconds * 4))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  return 1
}

mkdir -p "$work/ek-ca"
step "1. Manufacture $devices TPMs (swtpm, EK certificate from each device's own CA) and measure a simulated boot with its event log"
start_swtpm() { # $1 = device directory; prints the port
  local dir=$1 port pid
  mkdir -p "$dir/tpm" "$dir/ca"
  printf 'statedir = %s\nsigningkey = %s/signkey.pem\nissuercert = %s/issuercert.pem\ncertserial = %s/certserial\n' \
    "$dir/ca" "$dir/ca" "$dir/ca" "$dir/ca" > "$dir/ca/localca.conf"
  printf -- '--platform-manufacturer OrleansAttest\n--platform-version 2.1\n--platform-model demo\n' > "$dir/ca/localca.options"
  printf 'create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = %s\ncreate_certs_tool_options = %s\nactive_pcr_banks = sha256\n' \
    "$dir/ca/localca.conf" "$dir/ca/localca.options" > "$dir/swtpm_setup.conf"
  swtpm_setup --tpm2 --tpmstate "$dir/tpm" --config "$dir/swtpm_setup.conf" --create-ek-cert --create-platform-cert \
    --lock-nvram --pcr-banks sha256 > "$dir/swtpm_setup.log" 2>&1 || { cat "$dir/swtpm_setup.log" >&2; return 1; }
  # Another program may take the chosen port between the check and the bind: try a few.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    swtpm socket --tpm2 --server "type=tcp,port=$port,bindaddr=127.0.0.1" --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
      --tpmstate "dir=$dir/tpm" --flags not-need-init,startup-clear > "$dir/swtpm.log" 2>&1 &
    pid=$!
    if wait_for 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" && kill -0 "$pid" 2>/dev/null; then
      echo "$pid $port"; return 0
    fi
    kill "$pid" 2>/dev/null || true
  done
  return 1
}
# What firmware, shim and GRUB measure on a real device: PCRs 0-9 extended and every event logged
# (the same boot on every device, so device 1's log is the golden one).
measure_boot() { # $1 = swtpm port, $2 = event log to write
  attestctl eventlog simulate-boot --tpm "swtpm:127.0.0.1:$1" --log "$2" >/dev/null
}
declare -a tpm_port
for i in $(seq 1 $devices); do
  started=$(start_swtpm "$work/device-$i") || die "swtpm of device $i did not start (see $work/device-$i/swtpm*.log)"
  read -r pid port <<< "$started"
  pids+=("$pid"); tpm_port[$i]=$port
  # The silo trusts each device manufacturer's EK CA (root and issuing certificate).
  cp "$work/device-$i/ca/issuercert.pem" "$work/ek-ca/device-$i-issuer.pem"
  cp "$work/device-$i/ca/swtpm-localca-rootca-cert.pem" "$work/ek-ca/device-$i-root.pem"
  measure_boot "$port" "$work/device-$i/eventlog.bin" || die "could not measure the simulated boot of device $i"
  ok "device $i: swtpm on 127.0.0.1:$port, boot measured into PCRs 0-9, event log $work/device-$i/eventlog.bin"
done

step "2. Start the silo: embedded Garnet storage, agent gateway, admin API and dashboard in one process"
export OrleansAttest__Storage__DataDirectory="$work/silo-data"
export OrleansAttest__Admission__EkCaBundle="$work/ek-ca"
# Ports are picked free; another program may take one before the silo binds it, so a failed start is retried.
silo_pid=""
for attempt in 1 2 3; do
  http_port=$(free_port); dashboard_port=$(free_port); gateway_port=$(free_port); admin_port=$(free_port)
  export OrleansAttest__Storage__GarnetPort=$(free_port)
  export OrleansAttest__Silo__SiloPort=$(free_port)
  export OrleansAttest__Silo__GatewayPort=$(free_port)
  export OrleansAttest__Silo__HttpPort=$http_port
  export OrleansAttest__Dashboard__Port=$dashboard_port
  export OrleansAttest__Gateway__Port=$gateway_port
  export OrleansAttest__Admin__Port=$admin_port
  (cd "$work" && exec "${silo[@]}") > "$work/silo.log" 2>&1 &
  silo_pid=$!
  ready() { curl -sf "http://127.0.0.1:$http_port/readyz" || ! kill -0 "$silo_pid" 2>/dev/null; }
  wait_for 120 ready || true
  if kill -0 "$silo_pid" 2>/dev/null && curl -sf "http://127.0.0.1:$http_port/readyz" >/dev/null; then break; fi
  kill "$silo_pid" 2>/dev/null || true
  echo "demo: the silo did not start (attempt $attempt); last lines of its log:"; tail -3 "$work/silo.log" | cut -c1-300
  silo_pid=""
done
[ -n "$silo_pid" ] || die "the silo did not become ready (see $work/silo.log)"
pids+=("$silo_pid")
ca="$work/silo-data/tls/gateway-ca.crt"
token_file="$work/silo-data/admin-token"
[ -f "$ca" ] && [ -f "$token_file" ] || die "the silo did not write its development CA ($ca) and admin token ($token_file)"
export ATTESTCTL_SERVER="https://127.0.0.1:$admin_port" ATTESTCTL_CA="$ca" ATTESTCTL_TOKEN_FILE="$token_file"
ok "silo ready: agents → https://127.0.0.1:$gateway_port, admin API → $ATTESTCTL_SERVER, CA $ca"

step "3. Make a measured-boot policy from device 1's event log, apply it, and declare the nodes by their EK"
# Accepts exactly device 1's boot: Secure Boot on, its shim and GRUB, kernel, command line, separators, event types.
attestctl policy from-eventlog "$work/device-1/eventlog.bin" --name demo -o "$work/policy.yaml" 2>/dev/null \
  || die "could not make a policy from device 1's event log"
# Short intervals, so the tamper shows quickly.
sed -i -e "s/^quoteInterval: .*/quoteInterval: 00:00:$(printf %02d "$quote_interval")/" -e 's/^responseTimeout: .*/responseTimeout: 00:00:04/' \
  -e 's/^unreachableAfter: .*/unreachableAfter: 00:01:00/' "$work/policy.yaml"
grep -q "^quoteInterval: 00:00:$(printf %02d "$quote_interval")$" "$work/policy.yaml" || die "could not set the policy's quote interval"
sed -n '/^measuredBoot:/,/^eventLog:/p' "$work/policy.yaml"
attestctl policies apply -f "$work/policy.yaml" || die "policy not applied"
for i in $(seq 1 $devices); do
  ek_hash=$(attestctl tpm info --tpm "swtpm:127.0.0.1:${tpm_port[$i]}" --json | sed -n 's/.*"ekPublicSha256": *"\([0-9a-f]*\)".*/\1/p')
  [ -n "$ek_hash" ] || die "could not read the EK of device $i"
  attestctl nodes declare "edge-$i" --ek-public-sha256 "$ek_hash" --policy demo >/dev/null || die "node edge-$i not declared"
done
attestctl nodes list
ok "measured-boot policy 'demo' applied; edge-1..edge-$devices declared (Pending)"

step "4. Start the $devices edge agents: Hello → MakeCredential challenge → ActivateCredential → quote + event log → credentials"
for i in $(seq 1 $devices); do
  dir="$work/device-$i"
  "${agent[@]}" --gateway "https://127.0.0.1:$gateway_port" --ca "$ca" --node "edge-$i" --tpm "swtpm:127.0.0.1:${tpm_port[$i]}" \
    --event-log "$dir/eventlog.bin" --state-dir "$dir/agent" --credentials-dir "$dir/credentials" \
    --hook "echo \"\$(date +%T) \$ORLEANSATTEST_EVENT \$ORLEANSATTEST_REASON\" >> '$dir/hook.log'" > "$dir/agent.log" 2>&1 &
  pids+=($!)
done
phase_of() { attestctl nodes get "$1" --json | sed -n 's/.*"phase": *"\([A-Za-z]*\)".*/\1/p' | head -1; }
all_enrolled() { for i in $(seq 1 $devices); do [ "$(phase_of "edge-$i")" = Enrolled ] || return 1; done; }
show_table() { if $ci; then attestctl nodes list; else clear; date; attestctl nodes list; fi; }
for _ in $(seq 1 120); do
  $ci || show_table
  all_enrolled && break
  sleep 1
done
show_table
all_enrolled && ok "all $devices nodes Enrolled" || fail "not every node reached Enrolled"
for i in $(seq 1 $devices); do
  files=$(find "$work/device-$i/credentials" -type f -perm 600 2>/dev/null | wc -l)
  [ "$files" -gt 0 ] && ok "device $i: $files credential file(s) on disk, mode 0600" || fail "device $i has no credential files"
done

step "5. Tamper with device 2: it loads an unknown boot application, measured into PCR 4 and logged honestly"
# swtpm serves one client at a time; the agent holds its connection only while it talks to the TPM, so a refused
# connection is retried (a refused connection changes nothing: measure writes the log only after extending the TPM).
tampered=false
for _ in $(seq 1 20); do
  if attestctl eventlog measure --tpm "swtpm:127.0.0.1:${tpm_port[2]}" --log "$work/device-2/eventlog.bin" \
       --pcr 4 --type EV_EFI_BOOT_SERVICES_APPLICATION --data '\EFI\unknown\bootx64.efi'; then tampered=true; break; fi
  sleep 0.25
done
$tampered || fail "could not measure the unknown boot application into device 2"
for _ in $(seq 1 $((quote_interval * 4 + 20))); do
  $ci || show_table
  [ "$(phase_of edge-2)" = Failed ] && break
  sleep 1
done
show_table
if [ "$(phase_of edge-2)" = Failed ]; then
  reason=$(attestctl nodes get edge-2 --json | sed -n 's/.*"reasonCode": *"\([^"]*\)".*/\1/p' | head -1)
  [ "$reason" = boot-application-not-allowed ] && ok "edge-2 is Failed: $reason" || fail "edge-2 is Failed, but for '$reason', not boot-application-not-allowed"
else
  fail "edge-2 did not go Failed"
fi
wait_for 20 bash -c "[ -z \"\$(find '$work/device-2/credentials' -type f 2>/dev/null)\" ]" \
  && ok "device 2's agent deleted its credentials ($(tail -1 "$work/device-2/hook.log" 2>/dev/null))" \
  || fail "device 2 still has credential files"
for i in 1 3; do
  [ "$(phase_of "edge-$i")" = Enrolled ] && ok "edge-$i is still Enrolled" || fail "edge-$i is no longer Enrolled"
done
attestctl nodes audit edge-2 --max 5 || true

if [ "$failures" -ne 0 ]; then
  echo; echo "demo: $failures step(s) did not happen as expected; logs in $work"
  trap - EXIT; for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  exit 1
fi
echo
ok "every step happened as expected"
if $ci; then exit 0; fi
echo "Dashboard: http://127.0.0.1:$dashboard_port/dashboard   Metrics: http://127.0.0.1:$http_port/metrics"
echo "Admin API: $ATTESTCTL_SERVER (token in $token_file, CA $ca). Ctrl-C stops everything."
while true; do sleep 5; show_table; echo "Dashboard: http://127.0.0.1:$dashboard_port/dashboard — Ctrl-C stops"; done
