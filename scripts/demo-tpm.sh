#!/usr/bin/env bash
# The TPM layer alone, step by step: a device's TPM proves its boot state to attestctl (no silo, no network).
#
#   ./scripts/demo-tpm.sh        run and explain each step
#   ./scripts/demo-tpm.sh --ci   the same without pauses; exits non-zero unless every step happened as expected
#
# Steps: manufacture a software TPM (swtpm, own local EK CA) → read the EK and EK certificate and validate the
# chain → measure a simulated boot into PCRs 0-7 → create an AK and quote with a fresh nonce → verify with
# attestctl (and tpm2_checkquote) → tamper with the boot loader measurement → the verifier refuses the new quote
# against the golden PCR values, and a replayed old quote against a new nonce.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
[ "${1:-}" = "--ci" ] && ci=true

scripts/install-deps.sh
echo "demo: building attestctl"
dotnet build Cli -c Release -nologo -clp:ErrorsOnly -v q >/dev/null
attestctl=(dotnet "$PWD/Cli/bin/Release/net10.0/attestctl.dll")

work=$(mktemp -d "${TMPDIR:-/tmp}/orleansattest-demo.XXXXXX")
swtpm_pid=""
cleanup() {
  [ -n "$swtpm_pid" ] && kill "$swtpm_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
ok() { printf '\033[32m✔ %s\033[0m\n' "$*"; }
fail() { printf '\033[31m✘ %s\033[0m\n' "$*"; failures=$((failures + 1)); }
pause() { $ci || { read -r -p "   (Enter to continue) " _ || true; }; }

step "1. Manufacture a TPM: swtpm with an RSA EK at 0x81010001 and an EK certificate from its own local CA"
mkdir -p "$work/state" "$work/ca" "$work/ek"
printf 'statedir = %s\nsigningkey = %s/signkey.pem\nissuercert = %s/issuercert.pem\ncertserial = %s/certserial\n' \
  "$work/ca" "$work/ca" "$work/ca" "$work/ca" > "$work/ca/localca.conf"
printf -- '--platform-manufacturer OrleansAttest\n--platform-version 2.1\n--platform-model demo\n' > "$work/ca/localca.options"
printf 'create_certs_tool = /usr/bin/swtpm_localca\ncreate_certs_tool_config = %s\ncreate_certs_tool_options = %s\nactive_pcr_banks = sha256\n' \
  "$work/ca/localca.conf" "$work/ca/localca.options" > "$work/swtpm_setup.conf"
swtpm_setup --tpm2 --tpmstate "$work/state" --config "$work/swtpm_setup.conf" --create-ek-cert --create-platform-cert \
  --lock-nvram --pcr-banks sha1,sha256 > "$work/swtpm_setup.log" 2>&1 || { cat "$work/swtpm_setup.log"; exit 1; }
for attempt in 1 2 3 4 5; do
  port=$((20000 + RANDOM % 40000))
  swtpm socket --tpm2 --server "type=tcp,port=$port,bindaddr=127.0.0.1" --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
    --tpmstate "dir=$work/state" --flags not-need-init,startup-clear > "$work/swtpm.log" 2>&1 &
  swtpm_pid=$!
  sleep 0.5
  kill -0 "$swtpm_pid" 2>/dev/null && break
  swtpm_pid=""
done
[ -n "$swtpm_pid" ] || { echo "demo: could not start swtpm"; exit 1; }
tpm="swtpm:127.0.0.1:$port"
export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
ok "swtpm listening on 127.0.0.1:$port (state in $work/state)"

step "2. Read the EK and its certificate; validate the certificate against the EK CA bundle"
if "${attestctl[@]}" tpm info --tpm "$tpm" --ek-ca "$work/ca"; then ok "EK certificate chains to the trusted CA and matches the EK"; else fail "EK certificate validation"; fi
pause

step "3. Measure a simulated boot into PCRs 0-7 (firmware, Secure Boot state, boot loader, kernel)"
measure() { tpm2_pcrextend "$1:sha256=$(printf '%s' "$2" | sha256sum | cut -d' ' -f1)"; echo "   PCR $1 <- sha256(\"$2\")"; }
measure 0 "firmware v1.2.3"
measure 7 "SecureBoot=1"
measure 4 "shimx64.efi 15.8"
measure 4 "grubx64.efi 2.12"
measure 5 "GPT table"
ok "boot measured"

step "4. Create the AK (restricted signing key under the EK) and quote PCRs 0-7 with a fresh 32-byte nonce"
nonce=$(openssl rand -hex 32)
"${attestctl[@]}" tpm quote --tpm "$tpm" --state-dir "$work/agent" --out "$work/golden" --nonce "$nonce" --pcrs sha256:0,1,2,3,4,5,6,7
ok "evidence written (the golden PCR values are in $work/golden/quote.pcrs)"

step "5. Verify the quote: signature, TPMS_ATTEST, qualifiedSigner (EK→AK), nonce, PCR selection, PCR digest"
verify() { "${attestctl[@]}" verify-quote --ak-public "$work/golden/ak.pub" --ek-name "$work/golden/ek.name" "$@"; }
out=$(verify -m "$work/golden/quote.msg" -s "$work/golden/quote.sig" -f "$work/golden/quote.pcrs" -q "$nonce") && echo "   $out"
[ "$out" = "valid" ] && ok "attestctl: valid" || fail "attestctl did not accept a genuine quote: $out"
if tpm2_checkquote -u "$work/golden/ak.pub" -m "$work/golden/quote.msg" -s "$work/golden/quote.sig" -f "$work/golden/quote.pcrs" -g sha256 -q "$nonce" > /dev/null; then
  ok "tpm2_checkquote agrees"
else
  fail "tpm2_checkquote refused the quote"
fi
pause

step "6. Tamper: a different boot loader is measured into PCR 4"
measure 4 "evil-grubx64.efi"
nonce2=$(openssl rand -hex 32)
"${attestctl[@]}" tpm quote --tpm "$tpm" --state-dir "$work/agent" --out "$work/tampered" --nonce "$nonce2" --pcrs sha256:0,1,2,3,4,5,6,7 > /dev/null
set +e
out=$(verify -m "$work/tampered/quote.msg" -s "$work/tampered/quote.sig" -f "$work/golden/quote.pcrs" -q "$nonce2"); code=$?
set -e
echo "   against the golden values: $out"
[ $code -eq 1 ] && [[ "$out" == "invalid: pcr-digest-mismatch:"* ]] && ok "refused: the device no longer boots the golden software" || fail "tampered quote was not refused as pcr-digest-mismatch (exit $code)"
set +e
out=$(verify -m "$work/golden/quote.msg" -s "$work/golden/quote.sig" -f "$work/golden/quote.pcrs" -q "$nonce2"); code=$?
set -e
echo "   replaying the old good quote for the new challenge: $out"
[ $code -eq 1 ] && [[ "$out" == "invalid: nonce-mismatch:"* ]] && ok "refused: a replayed quote does not answer a fresh nonce" || fail "replayed quote was not refused as nonce-mismatch (exit $code)"

echo
if [ "$failures" -eq 0 ]; then
  echo "demo: every step happened as expected"
else
  echo "demo: $failures step(s) failed"
  exit 1
fi
