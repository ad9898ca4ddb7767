using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// Makes a policy from a golden device's event log (`attestctl policy from-eventlog`): everything the log shows in
/// the chosen PCRs becomes the reference — Secure Boot when it is on, the PK/KEK/db variable digests, every dbx entry,
/// the boot applications, kernels, initrds, PCR 9's files and command lines, separators, the event types seen. The result accepts
/// exactly that boot; an operator widens the any-of lists to roll an update out.
/// </summary>
public static class MeasuredBootPolicyGenerator
{
    /// <summary>PCRs covered when none are named: the firmware's 0–7, plus those boot loaders use (8, 9, 12, 14) when the log extends them.</summary>
    public static IReadOnlyList<int> DefaultPcrs(IReadOnlyList<TcgEvent> events) =>
        [.. Enumerable.Range(0, 8), .. new[] { 8, 9, 12, 14 }.Where(p => events.Any(e => e.ExtendsPcr && e.PcrIndex == p))];

    /// <summary>The bank rules are written in when none is named: SHA-256 when the log has it, else its first bank.</summary>
    public static TpmAlgorithm DefaultBank(IReadOnlyList<TpmAlgorithm> logBanks) =>
        logBanks.Contains(TpmAlgorithm.Sha256) ? TpmAlgorithm.Sha256 : logBanks.FirstOrDefault(TpmAlgorithm.Sha1);

    public static AttestationPolicy Generate(string name, IReadOnlyList<TcgEvent> events, TpmAlgorithm bank, IReadOnlyList<int> pcrs)
    {
        var covered = pcrs.ToHashSet();
        var scope = events.Where(e => e.ExtendsPcr && covered.Contains(e.PcrIndex)).ToList();
        string Hex(TcgEvent e) => MeasuredBootRules.Hex(e, bank);
        // The variables as the rules find them (the firmware's one measurement before PCR 7's separator).
        string[] Variable(string variable) => MeasuredBootRules.FindVariable(scope, variable, bank, out _) is { } found ? [Hex(found)] : [];

        var secureBoot = MeasuredBootRules.ConfigVariable(scope, "SecureBoot", v => v.IsSecureBoot, bank, out _)?.Detail is UefiVariableData { SecureBootEnabled: true };
        var dbx = MeasuredBootRules.FindVariable(scope, "dbx", bank, out _);
        var components = BootComponents.Find(scope);
        string[] Of(BootComponentKind kind) => components.Where(c => c.Kind == kind).Select(c => Hex(c.Event)).Distinct().ToArray();
        var separators = covered.Where(p => p is >= 0 and <= 7).ToList();

        var rules = new MeasuredBootPolicy
        {
            RequireSecureBoot = secureBoot,
            Pk = Variable("PK"),
            Kek = Variable("KEK"),
            Db = Variable("db"),
            DbxContains = dbx?.Detail is UefiVariableData d ? MeasuredBootRules.Entries(d).Distinct().ToArray() : [],
            // Every measurement in PCR 4 but separators and action strings: the rule judges them all by digest.
            BootApplications = scope.Where(e => e.PcrIndex == 4 && !MeasuredBootRules.IsFixedMeasurement(e, bank)).Select(Hex).Distinct().ToArray(),
            Kernels = Of(BootComponentKind.Kernel),
            Initrds = Of(BootComponentKind.Initrd),
            BootFiles = scope.Where(e => e.PcrIndex == 9).Select(Hex).Distinct().ToArray(),
            CommandLines = components.Where(c => c.Kind == BootComponentKind.CommandLine && c.Text is not null && MeasuredBootRules.TextBound(c.Event, bank))
                .Select(c => c.Text!).Distinct().ToArray(),
            RequireSeparators = separators.Count > 0 && separators.All(p => scope.Any(e => e.PcrIndex == p && e.Detail is SeparatorEvent { IsError: false })),
            AllowedEventTypes = scope.Select(e => e.TypeName).Distinct().Order(StringComparer.Ordinal).ToArray(),
        };
        return new AttestationPolicy
        {
            Name = name,
            PcrSelection = PcrSelection.Single(bank, [.. pcrs]).ToString(),
            EventLog = EventLogRequirement.Required,
            MeasuredBoot = rules,
        };
    }
}
