using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// The measured-boot part of <see cref="Policies.PolicyValidator"/>: one sentence per problem, and the rules
/// normalised (lower-case hex, trimmed, duplicates dropped). A rule must be judgeable: its PCRs quoted, the event log
/// not ignored, digests the size of the quoted bank's hash.
/// </summary>
public static class MeasuredBootPolicyValidator
{
    public static MeasuredBootPolicy? Validate(AttestationPolicy policy, PcrSelection? selection, List<string> problems)
    {
        if (!Enum.IsDefined(policy.EventLog))
            problems.Add($"eventLog '{policy.EventLog}' is not one of required, optional, ignored");
        if (policy.MeasuredBoot is not { } rules)
            return null;
        if (rules.HasRules && policy.EventLog == EventLogRequirement.Ignored)
            problems.Add("measuredBoot has rules but eventLog is 'ignored': the rules judge the event log, so it must be required or optional");

        var bank = selection?.Banks.FirstOrDefault();
        int size = bank is null ? 0 : TpmHash.DigestSize(bank.Hash);
        var covered = bank?.Pcrs.ToHashSet() ?? [];
        string bankName = bank is null ? "the quoted bank" : TpmHash.Describe(bank.Hash);

        void NeedPcrs(bool used, string field, params int[] pcrs)
        {
            if (used && bank is not null && !pcrs.Any(covered.Contains))
                problems.Add($"measuredBoot.{field} judges PCR {string.Join(" or ", pcrs)}, which pcrSelection '{policy.PcrSelection}' does not quote in its first bank {bankName}");
        }

        string[] Digests(string[]? values, string field, bool thumbprintsToo, bool anyHash = false)
        {
            var result = new List<string>();
            foreach (var value in values ?? [])
            {
                var hex = (value ?? "").Trim();
                if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
                    hex = hex[2..];
                bool isHex = hex.Length > 0 && hex.All(char.IsAsciiHexDigit);
                bool sized = anyHash ? hex.Length is 40 or 64 or 96 or 128
                    : size == 0 || hex.Length == size * 2 || (thumbprintsToo && hex.Length == 64);
                if (!isHex || !sized)
                    problems.Add($"measuredBoot.{field} value '{value}' is not {(anyHash ? "a SHA-1/256/384/512 hash" : $"{size * 2} hex digits (a {bankName} digest)")}{(thumbprintsToo ? " or a 64-hex-digit SHA-256 certificate thumbprint" : "")}");
                else
                    result.Add(hex.ToLowerInvariant());
            }
            return result.Distinct(StringComparer.Ordinal).ToArray();
        }

        var normalized = rules with
        {
            Pk = Digests(rules.Pk, "pk", thumbprintsToo: true),
            Kek = Digests(rules.Kek, "kek", thumbprintsToo: true),
            Db = Digests(rules.Db, "db", thumbprintsToo: true),
            DbxContains = Digests(rules.DbxContains, "dbxContains", thumbprintsToo: true, anyHash: true),
            BootApplications = Digests(rules.BootApplications, "bootApplications", thumbprintsToo: false),
            Kernels = Digests(rules.Kernels, "kernels", thumbprintsToo: false),
            Initrds = Digests(rules.Initrds, "initrds", thumbprintsToo: false),
            BootFiles = Digests(rules.BootFiles, "bootFiles", thumbprintsToo: false),
            CommandLines = (rules.CommandLines ?? []).Where(c => c is not null).Distinct(StringComparer.Ordinal).ToArray(),
            // One spelling per type ("ev_ipl", "0x0000000d" → "EV_IPL"), the one events are compared by.
            AllowedEventTypes = (rules.AllowedEventTypes ?? []).Select(t => EventTypeNames.TryParse(t ?? "", out var type) ? type.ToTcgName() : (t ?? "").Trim())
                .Distinct(StringComparer.Ordinal).ToArray(),
        };
        if ((rules.CommandLines ?? []).Any(c => c is null))
            problems.Add("measuredBoot.commandLines has an empty (null) entry");
        foreach (var type in normalized.AllowedEventTypes)
            if (!EventTypeNames.TryParse(type, out _) && !EventTypeNames.TryParse(type.ToUpperInvariant(), out _))
                problems.Add($"measuredBoot.allowedEventTypes has unknown event type '{type}' (use TCG names such as EV_IPL, EV_EFI_BOOT_SERVICES_APPLICATION)");

        bool pcr7 = rules.RequireSecureBoot || new[] { rules.Pk, rules.Kek, rules.Db, rules.DbxContains }.Any(l => l is { Length: > 0 });
        NeedPcrs(pcr7, "requireSecureBoot/pk/kek/db/dbxContains", 7);
        NeedPcrs(rules.BootApplications is { Length: > 0 }, "bootApplications", 4);
        NeedPcrs(rules.Kernels is { Length: > 0 }, "kernels", 9, 11);
        NeedPcrs(rules.Initrds is { Length: > 0 }, "initrds", 9, 11);
        NeedPcrs(rules.BootFiles is { Length: > 0 }, "bootFiles", 9);
        NeedPcrs(rules.CommandLines is { Length: > 0 }, "commandLines", 8, 12);
        NeedPcrs(rules.RequireSeparators, "requireSeparators", 0, 1, 2, 3, 4, 5, 6, 7);
        return normalized;
    }
}
