using System.CommandLine;
using OrleansAttest.Cli.Policies;
using OrleansAttest.Grains.MeasuredBoot;
using OrleansAttest.Grains.Policies;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Commands;

/// <summary>
/// <c>attestctl policy from-eventlog|check|schema</c>: offline measured-boot policy tools. A policy made from a golden
/// device's log, checked against a log with the same functions the verifier runs on every quote.
/// </summary>
public static class PolicyCommands
{
    public static Command Create()
    {
        var command = new Command("policy", "Make and check measured-boot policies offline (YAML or JSON, see 'attestctl policy schema')");
        command.Subcommands.Add(CreateFromEventLog());
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateSchema());
        return command;
    }

    private static Command CreateFromEventLog()
    {
        var file = new Argument<FileInfo>("file") { Description = "the golden device's binary event log" };
        var pcrs = new Option<string?>("--pcrs") { Description = "PCRs the policy covers, e.g. 0-7,9 (default: 0-7 plus 8, 9, 12, 14 where the log extends them)" };
        var bank = new Option<string?>("--bank") { Description = "bank the policy quotes and its digests are in (default: sha256 if the log has it)" };
        var name = new Option<string>("--name") { Description = "policy name", DefaultValueFactory = _ => "measured-boot" };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "write the policy here instead of to standard output" };
        var command = new Command("from-eventlog", "Make a policy (YAML) that accepts exactly the boot recorded in a golden device's event log") { file, pcrs, bank, name, output };
        command.SetAction(parse => Run(() =>
        {
            var path = parse.GetRequiredValue(file);
            var log = ReadLog(path);
            var algorithm = parse.GetValue(bank) is { } b ? ParseBank(b, log) : MeasuredBootPolicyGenerator.DefaultBank(log.Replay.LogBanks);
            var covered = parse.GetValue(pcrs) is { } text ? PcrValuesText.ParsePcrList(text) : MeasuredBootPolicyGenerator.DefaultPcrs(log.Events);
            // A sha1 bank needs no sha1 in allowedHashes: those are the quote signature's and the AK's hashes, and SHA-1
            // stays refused there (DESIGN.md step 6).
            var policy = MeasuredBootPolicyGenerator.Generate(parse.GetValue(name) ?? "measured-boot", log.Events, algorithm, covered);
            var (problems, normalized) = PolicyValidator.Validate(policy);
            if (normalized is null)
                throw new UnusableInputException($"the policy made from {path.Name} is not valid: {string.Join("; ", problems)}");
            var yaml = $"# made by attestctl policy from-eventlog from {path.Name}: {log.Events.Count} events, bank {TpmHash.Describe(algorithm)}\n"
                + PolicyDocument.ToYaml(normalized);
            if (parse.GetValue(output) is { } target)
            {
                try
                {
                    File.WriteAllText(target.FullName, yaml);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new UnusableInputException($"cannot write '{target.FullName}': {e.Message}", e);
                }
                Console.Error.WriteLine($"attestctl: wrote policy '{normalized.Name}' to {target.FullName}");
            }
            else
            {
                Console.Write(yaml);
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateCheck()
    {
        var policyFile = new Option<FileInfo>("--policy") { Description = "the policy file (YAML or JSON)", Required = true };
        var logFile = new Option<FileInfo>("--eventlog") { Description = "the binary event log", Required = true };
        var pcrsFile = new Option<FileInfo?>("--pcrs-file") { Description = "quoted PCR values {bank: {pcr: hex}} (JSON or tpm2_pcrread YAML): also check that the log replays to them" };
        var command = new Command("check", "Evaluate a policy's measured-boot rules on an event log and print each rule's verdict (exit 0 all pass, 1 a rule failed, 2 unreadable input)")
        {
            policyFile, logFile, pcrsFile,
        };
        command.SetAction(parse => Run(() =>
        {
            var policyPath = parse.GetRequiredValue(policyFile);
            var policy = PolicyDocument.Parse(InputFile.ReadBytes(policyPath, "policy"), policyPath.Name);
            var log = ReadLog(parse.GetRequiredValue(logFile));
            PcrValues? quoted = null;
            if (parse.GetValue(pcrsFile) is { } pcrs)
                quoted = PcrValuesText.Parse(InputFile.ReadText(pcrs, "PCR values"), pcrs.Name);
            var verdicts = OfflinePolicyCheck.Check(policy, log, quoted);
            if (verdicts.Count == 0)
                throw new UnusableInputException($"policy '{policy.Name}' has no measured-boot rules and no --pcrs-file was given: there is nothing to check");
            foreach (var v in verdicts)
                Console.WriteLine(v.Passed ? $"pass  {v.Rule}: {v.Detail}" : $"FAIL  {v.Rule}: {v.ReasonCode}: {v.Detail}");
            int failed = verdicts.Count(v => !v.Passed);
            Console.WriteLine(failed == 0
                ? $"policy '{policy.Name}': all {verdicts.Count} checks pass{(quoted is null ? " (replay against quoted PCRs not checked: no --pcrs-file)" : "")}"
                : $"policy '{policy.Name}': {failed} of {verdicts.Count} checks fail");
            return failed == 0 ? ExitCodes.Ok : ExitCodes.Invalid;
        }));
        return command;
    }

    private static Command CreateSchema()
    {
        var command = new Command("schema", "Print the JSON schema that policy files are checked against");
        command.SetAction(_ =>
        {
            Console.Write(PolicyDocument.SchemaText);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static ReplayedEventLog ReadLog(FileInfo file)
    {
        var step = EventLogReplay.ParseWhole(InputFile.ReadBytes(file, "event log"), 0);
        return step.Log ?? throw new UnusableInputException($"{file.Name} is not a valid event log: {step.Detail}");
    }

    private static TpmAlgorithm ParseBank(string name, ReplayedEventLog log)
    {
        TpmAlgorithm bank;
        try
        {
            bank = TpmHash.Parse(name);
        }
        catch (ArgumentException e)
        {
            throw new UnusableInputException($"--bank: {e.Message}");
        }
        if (log.Replay.WhyUnavailable(bank) is { } why)
            throw new UnusableInputException($"--bank {name}: {why}");
        return bank;
    }

    private static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UnusableInputException e)
        {
            Console.Error.WriteLine($"attestctl: {e.Message}");
            return ExitCodes.Unusable;
        }
    }
}
