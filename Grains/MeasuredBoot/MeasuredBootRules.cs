using System.Text;
using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// Judges the events of a replayed log against <see cref="MeasuredBootPolicy"/>, one verdict per configured rule.
/// Only events in PCRs the quote covers count (others were never checked against the TPM), digests are those of
/// one bank (the policy's first quoted bank), and an event's data counts only where its digest is computed over it
/// (SecureBoot, the signature databases, command lines): the data is outside input, the digest is what the TPM saw.
/// An event's type and description are not measured either, so a rule never takes "which event is the one to judge"
/// from them alone: every measurement in PCR 4 is judged by its digest, PCR 7's configuration variables count only
/// once and before PCR 7's separator, and GRUB's commands are judged by their measured text. Any-of lists; a rule with
/// nothing to look at fails — a rule never passes what it could not see.
/// </summary>
public static class MeasuredBootRules
{
    public static IReadOnlyList<RuleVerdict> Evaluate(IReadOnlyList<TcgEvent> events, MeasuredBootPolicy rules, TpmAlgorithm bank, IReadOnlyCollection<int> covered)
    {
        var verdicts = new List<RuleVerdict>();
        var inScope = events.Where(e => e.ExtendsPcr && covered.Contains(e.PcrIndex)).ToList();
        if (rules.RequireSecureBoot)
            verdicts.Add(SecureBoot(inScope, bank, covered));
        if (rules.Pk is { Length: > 0 })
            verdicts.Add(Database(inScope, bank, covered, "PK", "pk", rules.Pk, MeasuredBootReasons.PkNotAllowed));
        if (rules.Kek is { Length: > 0 })
            verdicts.Add(Database(inScope, bank, covered, "KEK", "kek", rules.Kek, MeasuredBootReasons.KekNotAllowed));
        if (rules.Db is { Length: > 0 })
            verdicts.Add(Database(inScope, bank, covered, "db", "db", rules.Db, MeasuredBootReasons.DbNotAllowed));
        if (rules.DbxContains is { Length: > 0 })
            verdicts.Add(Dbx(inScope, bank, covered, rules.DbxContains));
        if (rules.BootApplications is { Length: > 0 })
            verdicts.Add(BootApplications(inScope, bank, covered, rules.BootApplications));
        var components = BootComponents.Find(inScope);
        if (rules.Kernels is { Length: > 0 })
            verdicts.Add(Components(components, inScope, bank, BootComponentKind.Kernel, "kernels", "kernel", rules.Kernels, MeasuredBootReasons.KernelNotAllowed));
        if (rules.Initrds is { Length: > 0 })
            verdicts.Add(Components(components, inScope, bank, BootComponentKind.Initrd, "initrds", "initrd", rules.Initrds, MeasuredBootReasons.InitrdNotAllowed));
        if (rules.BootFiles is { Length: > 0 })
            verdicts.Add(BootFiles(inScope, bank, covered, rules.BootFiles));
        if (rules.CommandLines is { Length: > 0 })
            verdicts.Add(CommandLines(components, inScope, bank, rules.CommandLines));
        if (rules.RequireSeparators)
            verdicts.Add(Separators(inScope, bank, covered));
        if (rules.AllowedEventTypes is { Length: > 0 })
            verdicts.Add(EventTypes(inScope, bank, rules.AllowedEventTypes));
        return verdicts;
    }

    /// <summary>"event #12 (PCR 7, EV_EFI_VARIABLE_DRIVER_CONFIG, sha256:ab…)".</summary>
    public static string Describe(TcgEvent e, TpmAlgorithm bank) =>
        $"event #{e.Number} (PCR {e.PcrIndex}, {e.TypeName}, {TpmHash.Describe(bank)}:{Hex(e, bank)})";

    public static string Hex(TcgEvent e, TpmAlgorithm bank) => e.GetDigest(bank) is { } d ? Convert.ToHexStringLower(d) : "none";

    private static RuleVerdict SecureBoot(List<TcgEvent> events, TpmAlgorithm bank, IReadOnlyCollection<int> covered)
    {
        const string rule = "requireSecureBoot";
        if (!covered.Contains(7))
            return RuleVerdict.Fail(rule, MeasuredBootReasons.SecureBootDisabled, "PCR 7 is not quoted, so the SecureBoot variable cannot be judged");
        var e = ConfigVariable(events, "SecureBoot", v => v.IsSecureBoot, bank, out var problem);
        if (problem is not null)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.SecureBootDisabled, problem);
        if (e is null)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.SecureBootDisabled, "the SecureBoot variable is not measured in PCR 7");
        var variable = (UefiVariableData)e.Detail!;
        if (!VariableBound(e, bank))
            return RuleVerdict.Fail(rule, MeasuredBootReasons.SecureBootDisabled, UnboundVariable(e, bank, "SecureBoot"));
        if (variable.SecureBootEnabled != true)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.SecureBootDisabled,
                $"{Describe(e, bank)}: SecureBoot is {(variable.VariableData.Length == 0 ? "empty (not set)" : Convert.ToHexStringLower(variable.VariableData))}, not 1");
        return RuleVerdict.Pass(rule, $"SecureBoot=1 ({Describe(e, bank)})");
    }

    private static RuleVerdict Database(List<TcgEvent> events, TpmAlgorithm bank, IReadOnlyCollection<int> covered, string variableName, string rule,
        string[] allowed, string reason)
    {
        if (!covered.Contains(7))
            return RuleVerdict.Fail(rule, reason, $"PCR 7 is not quoted, so {variableName} cannot be judged");
        var e = FindVariable(events, variableName, bank, out var problem);
        if (problem is not null)
            return RuleVerdict.Fail(rule, reason, problem);
        if (e is null)
            return RuleVerdict.Fail(rule, reason, $"{variableName} is not measured in PCR 7");
        var hex = Hex(e, bank);
        if (allowed.Contains(hex, StringComparer.OrdinalIgnoreCase))
            return RuleVerdict.Pass(rule, $"{variableName} digest is allowed ({Describe(e, bank)})");
        var variable = (UefiVariableData)e.Detail!;
        if (!VariableBound(e, bank))
            return RuleVerdict.Fail(rule, reason, UnboundVariable(e, bank, variableName));
        // An allowlist of entries: one entry nobody listed (a KEK or db certificate added by whoever held the keys) fails it.
        var entries = Entries(variable).ToList();
        if (entries.Count == 0)
            return RuleVerdict.Fail(rule, reason, $"{Describe(e, bank)}: {variableName} is not a listed digest and holds no certificate or hash to compare (allowed: {string.Join(", ", allowed)})");
        if (entries.FirstOrDefault(entry => !allowed.Contains(entry, StringComparer.OrdinalIgnoreCase)) is { } unlisted)
            return RuleVerdict.Fail(rule, reason,
                $"{Describe(e, bank)}: {variableName} holds {unlisted}, which is neither listed nor is the variable's digest (every entry must be listed; allowed: {string.Join(", ", allowed)})");
        return RuleVerdict.Pass(rule, $"every {variableName} entry is listed ({entries.Count}; {Describe(e, bank)})");
    }

    private static RuleVerdict Dbx(List<TcgEvent> events, TpmAlgorithm bank, IReadOnlyCollection<int> covered, string[] required)
    {
        const string rule = "dbxContains";
        if (!covered.Contains(7))
            return RuleVerdict.Fail(rule, MeasuredBootReasons.DbxEntryMissing, "PCR 7 is not quoted, so dbx cannot be judged");
        var e = FindVariable(events, "dbx", bank, out var problem);
        if (problem is not null)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.DbxEntryMissing, problem);
        if (e is null)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.DbxEntryMissing, "dbx is not measured in PCR 7");
        var variable = (UefiVariableData)e.Detail!;
        if (!VariableBound(e, bank))
            return RuleVerdict.Fail(rule, MeasuredBootReasons.DbxEntryMissing, UnboundVariable(e, bank, "dbx"));
        var entries = Entries(variable).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = required.Where(r => !entries.Contains(r)).ToList();
        if (missing.Count > 0)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.DbxEntryMissing,
                $"{Describe(e, bank)}: dbx lacks {missing.Count} required entr{(missing.Count == 1 ? "y" : "ies")}, first {missing[0]}");
        return RuleVerdict.Pass(rule, $"dbx holds all {required.Length} required entries ({entries.Count} in all)");
    }

    private static RuleVerdict BootApplications(List<TcgEvent> events, TpmAlgorithm bank, IReadOnlyCollection<int> covered, string[] allowed)
    {
        const string rule = "bootApplications";
        if (!covered.Contains(4))
            return RuleVerdict.Fail(rule, MeasuredBootReasons.BootApplicationNotAllowed, "PCR 4 is not quoted, so boot applications cannot be judged");
        // Every measurement in PCR 4, whatever type the log gives it: retyping a boot application's event (its type is
        // not measured) must not take it out of the judgement.
        int apps = 0;
        foreach (var e in events.Where(e => e.PcrIndex == 4))
        {
            if (allowed.Contains(Hex(e, bank), StringComparer.OrdinalIgnoreCase))
                apps++;
            else if (!IsFixedMeasurement(e, bank))
                return RuleVerdict.Fail(rule, MeasuredBootReasons.BootApplicationNotAllowed,
                    $"{Describe(e, bank)} {Path(e)}is not an allowed boot application (every measurement in PCR 4 must be one, a separator or a PC Client action string its digest proves)");
        }
        if (apps == 0)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.BootApplicationNotAllowed, "no allowed boot application is measured in PCR 4");
        return RuleVerdict.Pass(rule, $"all {apps} boot application measurement(s) in PCR 4 are allowed");
    }

    private static RuleVerdict BootFiles(List<TcgEvent> events, TpmAlgorithm bank, IReadOnlyCollection<int> covered, string[] allowed)
    {
        const string rule = "bootFiles";
        if (!covered.Contains(9))
            return RuleVerdict.Fail(rule, MeasuredBootReasons.BootFileNotAllowed, "PCR 9 is not quoted, so the files the boot loader read cannot be judged");
        // Every measurement in PCR 9 by its digest: a file's name and the event's type are not measured, so neither may
        // excuse one (a kernel relabelled as grub.cfg is still judged as what it is).
        var files = events.Where(e => e.PcrIndex == 9).ToList();
        if (files.Count == 0)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.BootFileNotAllowed, "nothing is measured in PCR 9");
        if (files.FirstOrDefault(e => !allowed.Contains(Hex(e, bank), StringComparer.OrdinalIgnoreCase)) is { } unlisted)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.BootFileNotAllowed,
                $"{Describe(unlisted, bank)}{(unlisted.Detail is IplEvent ipl ? $" ('{EventText.Escape(ipl.Text)}')" : "")} is not an allowed boot file (every measurement in PCR 9 must be listed)");
        return RuleVerdict.Pass(rule, $"all {files.Count} measurement(s) in PCR 9 are allowed");
    }

    private static RuleVerdict Components(IReadOnlyList<BootComponent> components, List<TcgEvent> events, TpmAlgorithm bank, BootComponentKind kind,
        string rule, string what, string[] allowed, string reason)
    {
        var mine = components.Where(c => c.Kind == kind).ToList();
        // GRUB's commands say which file is the kernel; one whose text is not what was measured could hide it.
        if (UnprovenText(events, bank) is { } forged)
            return RuleVerdict.Fail(rule, reason, $"{Describe(forged, bank)}: {UnprovenProblem(forged)}, so which file is the {what} cannot be told");
        if (mine.Count == 0)
            return RuleVerdict.Fail(rule, reason, $"no {what} measurement is found in the quoted PCRs");
        foreach (var c in mine)
            if (!allowed.Contains(Hex(c.Event, bank), StringComparer.OrdinalIgnoreCase))
                return RuleVerdict.Fail(rule, reason, $"{Describe(c.Event, bank)} ({c.How}{(c.Text is null ? "" : $" '{EventText.Escape(c.Text)}'")}) is not an allowed {what}");
        return RuleVerdict.Pass(rule, $"all {mine.Count} {what} measurement(s) are allowed");
    }

    private static RuleVerdict CommandLines(IReadOnlyList<BootComponent> components, List<TcgEvent> events, TpmAlgorithm bank, string[] allowed)
    {
        const string rule = "commandLines";
        // A command line is found by its text; a measurement in PCR 8 whose text is not what was measured could be one.
        if (UnprovenText(events, bank) is { } forged)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.CmdlineNotAllowed, $"{Describe(forged, bank)}: {UnprovenProblem(forged)}, so it could be a command line");
        var lines = components.Where(c => c.Kind == BootComponentKind.CommandLine).ToList();
        if (lines.Count == 0)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.CmdlineNotAllowed, "no kernel command line is measured in the quoted PCRs (8 or 12)");
        foreach (var c in lines)
        {
            if (!TextBound(c.Event, bank))
                return RuleVerdict.Fail(rule, MeasuredBootReasons.CmdlineNotAllowed,
                    $"{Describe(c.Event, bank)}: its digest is not the hash of the command line it claims, so the text cannot be trusted");
            if (!allowed.Contains(c.Text, StringComparer.Ordinal))
                return RuleVerdict.Fail(rule, MeasuredBootReasons.CmdlineNotAllowed,
                    $"{Describe(c.Event, bank)}: command line '{EventText.Escape(c.Text ?? "")}' ({c.How}) is not allowed");
        }
        return RuleVerdict.Pass(rule, $"all {lines.Count} command line(s) are allowed");
    }

    private static RuleVerdict Separators(List<TcgEvent> events, TpmAlgorithm bank, IReadOnlyCollection<int> covered)
    {
        const string rule = "requireSeparators";
        var pcrs = covered.Where(p => p is >= 0 and <= 7).Order().ToList();
        if (pcrs.Count == 0)
            return RuleVerdict.Fail(rule, MeasuredBootReasons.SeparatorMissing, "no PCR 0-7 is quoted, so no separator can be checked");
        foreach (var pcr in pcrs)
        {
            var separators = events.Where(e => e.PcrIndex == pcr && e.Type == EventType.Separator).ToList();
            if (separators.Count == 0)
                return RuleVerdict.Fail(rule, MeasuredBootReasons.SeparatorMissing, $"PCR {pcr} has no EV_SEPARATOR: the firmware never closed its pre-OS measurements");
            foreach (var s in separators)
                if (s.Detail is not SeparatorEvent { IsError: false } || !Bound(s, bank, s.Data))
                    return RuleVerdict.Fail(rule, MeasuredBootReasons.SeparatorMissing,
                        $"{Describe(s, bank)} is not a normal separator ({(s.Detail is SeparatorEvent sep ? sep.Summary : "undecodable value")}, or its digest is not the hash of its value)");
        }
        return RuleVerdict.Pass(rule, $"PCRs {string.Join(",", pcrs)} each have a normal separator");
    }

    private static RuleVerdict EventTypes(List<TcgEvent> events, TpmAlgorithm bank, string[] allowed)
    {
        const string rule = "allowedEventTypes";
        foreach (var e in events)
            if (!allowed.Contains(e.TypeName, StringComparer.Ordinal))
                return RuleVerdict.Fail(rule, MeasuredBootReasons.UnexpectedEventType, $"{Describe(e, bank)}: {e.TypeName} is not an expected event type");
        return RuleVerdict.Pass(rule, $"all {events.Count} events in the quoted PCRs have expected types");
    }

    internal static TcgEvent? FindVariable(IReadOnlyList<TcgEvent> events, string name, TpmAlgorithm bank, out string? problem) =>
        ConfigVariable(events, name, v => v.IsSignatureDatabase && v.UnicodeName == name, bank, out problem);

    /// <summary>
    /// The one measurement of a Secure Boot configuration variable. The firmware measures each into PCR 7 once, before
    /// PCR 7's EV_SEPARATOR (PC Client PFP 3.3.4.8); one after the separator or a second one was extended later by
    /// whoever could reach the TPM, to mask the firmware's. Null when none is measured; <paramref name="problem"/> says
    /// why the one found cannot be judged.
    /// </summary>
    internal static TcgEvent? ConfigVariable(IReadOnlyList<TcgEvent> events, string name, Func<UefiVariableData, bool> isIt, TpmAlgorithm bank, out string? problem)
    {
        problem = null;
        var pcr7 = events.Where(e => e.PcrIndex == 7).ToList();
        var found = pcr7.Where(e => e.Type == EventType.EfiVariableDriverConfig && e.Detail is UefiVariableData v && isIt(v)).ToList();
        if (found.Count == 0)
            return null;
        var separator = pcr7.FirstOrDefault(e => e.Type == EventType.Separator);
        if (separator is null)
            problem = $"PCR 7 has no EV_SEPARATOR, so the firmware's measurement of {name} cannot be told from one made after boot";
        else if (found.FirstOrDefault(e => e.Number > separator.Number) is { } late)
            problem = $"{Describe(late, bank)}: {name} is measured after PCR 7's EV_SEPARATOR (event #{separator.Number}), where the firmware measures no configuration";
        else if (found.Count > 1)
            problem = $"{name} is measured {found.Count} times in PCR 7 (events #{string.Join(", #", found.Select(e => e.Number))}); the firmware measures it once";
        return found[0];
    }

    /// <summary>
    /// The first measurement in PCR 8 that is not a boot loader's text measurement (EV_IPL) whose digest is the hash of
    /// its text. GRUB measures every command and the kernel command line there, systemd-boot its command line: text
    /// whose digest is proven is what rules may read, and an event retyped or relabelled to hide its text is refused.
    /// </summary>
    private static TcgEvent? UnprovenText(List<TcgEvent> events, TpmAlgorithm bank) =>
        events.FirstOrDefault(e => e.PcrIndex == 8 && (e.Type != EventType.Ipl || !TextBound(e, bank)));

    private static string UnprovenProblem(TcgEvent e) => e.Type == EventType.Ipl
        ? "the text it claims is not what was measured"
        : $"PCR 8 holds boot loader text measurements (EV_IPL), not {e.TypeName}";

    private static readonly HashSet<string> ActionStrings = new(StringComparer.Ordinal)
    {
        "Calling EFI Application from Boot Option", "Returning from EFI Application from Boot Option", "Exit Boot Services Invocation",
        "Exit Boot Services Returned with Failure", "Exit Boot Services Returned with Success", "BOOT ATTEMPTS OMITTED",
    };

    /// <summary>
    /// A measurement with a fixed meaning, proven by its digest: a normal EV_SEPARATOR, or an EV_EFI_ACTION /
    /// EV_OMIT_BOOT_DEVICE_EVENTS carrying one of the PC Client PFP's action strings (10.4.4).
    /// </summary>
    internal static bool IsFixedMeasurement(TcgEvent e, TpmAlgorithm bank) => e.Type switch
    {
        EventType.Separator => e.Detail is SeparatorEvent { IsError: false } && Bound(e, bank, e.Data),
        EventType.EfiAction or EventType.OmitBootDeviceEvents =>
            e.Data.Length <= 64 && ActionStrings.Contains(Encoding.ASCII.GetString(e.Data).TrimEnd('\0')) && TextBound(e, bank),
        _ => false,
    };

    /// <summary>Hashes of hash entries and SHA-256 thumbprints of certificates; a database that does not parse has none.</summary>
    public static IEnumerable<string> Entries(UefiVariableData variable)
    {
        IReadOnlyList<EfiSignatureList> lists;
        try
        {
            lists = variable.ParseSignatureLists();
        }
        catch (Tpm.Marshalling.TpmParseException)
        {
            yield break;
        }
        foreach (var entry in lists.SelectMany(l => l.Signatures))
            yield return entry.IsX509Certificate ? entry.Sha256Thumbprint : entry.HashHex ?? entry.Sha256Thumbprint;
    }

    private static string Path(TcgEvent e) => e.Detail is UefiImageLoadEvent image && image.FilePath is { } path ? $"('{EventText.Escape(path)}') " : "";

    /// <summary>
    /// PC Client PFP 10.4.2: a configuration variable's digest is over the whole UEFI_VARIABLE_DATA, so it proves the
    /// variable's GUID and name as well as its value. A digest of the value alone would let a forged log rename the event
    /// (an enabled DeployedMode relabelled SecureBoot), so it proves nothing here.
    /// </summary>
    private static bool VariableBound(TcgEvent e, TpmAlgorithm bank) => Bound(e, bank, e.Data);

    private static string UnboundVariable(TcgEvent e, TpmAlgorithm bank, string name) =>
        $"{Describe(e, bank)}: its digest is not the hash of the UEFI_VARIABLE_DATA it logs (GUID, name and value), so neither that it is {name} nor its value is proven";

    /// <summary>A string event's digest covers its bytes with or without the terminating NUL(s), or (GRUB) the text after its prefix.</summary>
    internal static bool TextBound(TcgEvent e, TpmAlgorithm bank)
    {
        if (Bound(e, bank, e.Data))
            return true;
        var trimmed = e.Data.AsSpan();
        while (trimmed.Length > 0 && trimmed[^1] == 0)
        {
            trimmed = trimmed[..^1];
            if (Bound(e, bank, trimmed))
                return true;
        }
        // GRUB logs "grub_cmd: X" / "kernel_cmdline: X" but measures X alone.
        return e.Detail is IplEvent ipl && (Bound(e, bank, Encoding.UTF8.GetBytes(ipl.Text)) || Bound(e, bank, Encoding.UTF8.GetBytes(ipl.Value)));
    }

    private static bool Bound(TcgEvent e, TpmAlgorithm bank, ReadOnlySpan<byte> measured) =>
        e.GetDigest(bank) is { } digest && TpmHash.IsComputable(bank) && digest.AsSpan().SequenceEqual(TpmHash.Compute(bank, measured));
}
