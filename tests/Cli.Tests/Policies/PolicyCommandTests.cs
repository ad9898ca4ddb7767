using OrleansAttest.Cli.Tests.Support;
using OrleansAttest.Fixtures;

namespace OrleansAttest.Cli.Tests.Policies;

/// <summary>
/// <c>attestctl policy from-eventlog</c> and <c>policy check</c> as a script sees them: a policy made from a golden
/// log accepts that log (exit 0, one "pass" line per rule), a changed boot fails the named rule (exit 1), and
/// unreadable input is exit 2 without a verdict.
/// </summary>
public sealed class PolicyCommandTests
{
    private static async Task<(ScratchDirectory Scratch, string Policy, string Log)> GoldenAsync(byte[]? log = null)
    {
        var scratch = new ScratchDirectory();
        var logPath = scratch.Write("golden.bin", log ?? PolicyLogs.Boot());
        var policyPath = Path.Combine(scratch.Path, "policy.yaml");
        var made = await Attestctl.RunAsync("policy", "from-eventlog", logPath, "--name", "edge-golden", "-o", policyPath);
        made.AssertExit(0);
        Assert.Contains("wrote policy 'edge-golden'", made.StdErr);
        return (scratch, policyPath, logPath);
    }

    [Fact]
    public async Task A_policy_made_from_a_log_accepts_that_log_rule_by_rule()
    {
        var (scratch, policy, log) = await GoldenAsync();
        using var _ = scratch;
        var text = await File.ReadAllTextAsync(policy, TestContext.Current.CancellationToken);
        Assert.Contains("pcrSelection: sha256:0,1,2,3,4,5,6,7,8,9", text);
        Assert.Contains("requireSecureBoot: true", text);

        var check = (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", log)).AssertExit(0);
        foreach (var rule in new[] { "requireSecureBoot", "dbxContains", "bootApplications", "kernels", "bootFiles", "commandLines", "requireSeparators", "allowedEventTypes" })
            Assert.Contains(check.Lines, l => l.StartsWith($"pass  {rule}: ", StringComparison.Ordinal));
        Assert.Contains("all 8 checks pass", check.Lines[^1]);

        // With the quoted PCR values (here: what the log itself replays to), the replay is checked too.
        var replay = await Attestctl.RunAsync("eventlog", "replay", "--json", log);
        var pcrs = scratch.Write("pcrs.json", System.Text.Encoding.UTF8.GetBytes(replay.AssertExit(0).StdOut));
        var withPcrs = (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", log, "--pcrs-file", pcrs)).AssertExit(0);
        Assert.StartsWith("pass  replay: ", withPcrs.Lines[0]);
    }

    [Fact]
    public async Task A_changed_boot_fails_the_rule_that_names_it()
    {
        var (scratch, policy, _) = await GoldenAsync();
        using var _ = scratch;
        var evil = scratch.Write("evil.bin", PolicyLogs.Boot(grub: "grub with a backdoor"));
        var check = (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", evil)).AssertExit(1);
        var line = Assert.Single(check.Lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.StartsWith("FAIL  bootApplications: boot-application-not-allowed: event #", line);
        Assert.Contains("grubx64.efi", line);
        Assert.Contains("1 of 8 checks fail", check.Lines[^1]);

        var off = scratch.Write("off.bin", PolicyLogs.Boot(secureBoot: false));
        Assert.Contains((await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", off)).AssertExit(1).Lines,
            l => l.StartsWith("FAIL  requireSecureBoot: secureboot-disabled: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pcr_values_the_log_does_not_replay_to_fail_the_replay_check()
    {
        var (scratch, policy, log) = await GoldenAsync();
        using var _ = scratch;
        var pcrs = scratch.Write("pcrs.yaml", System.Text.Encoding.UTF8.GetBytes($"sha256:\n  9 : 0x{new string('0', 64)}\n"));
        var check = (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", log, "--pcrs-file", pcrs)).AssertExit(1);
        Assert.StartsWith("FAIL  replay: eventlog-mismatch: PCR sha256:0 ", check.Lines[0]);
    }

    [Fact]
    public async Task Unreadable_input_is_exit_2_naming_the_problem()
    {
        var (scratch, policy, log) = await GoldenAsync();
        using var _ = scratch;
        (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", scratch.Write("junk.bin", [1, 2, 3])))
            .AssertUnusable("junk.bin is not a valid event log");
        (await Attestctl.RunAsync("policy", "check", "--policy", scratch.Write("bad.yaml", "name: [unclosed"u8.ToArray()), "--eventlog", log))
            .AssertUnusable("bad.yaml is not valid YAML or JSON");
        (await Attestctl.RunAsync("policy", "check", "--policy", scratch.Write("typo.yaml", "name: x\nmeasuredBot:\n  requireSecureBoot: true\n"u8.ToArray()), "--eventlog", log))
            .AssertUnusable("typo.yaml does not match the policy schema");
        (await Attestctl.RunAsync("policy", "check", "--policy", scratch.Write("wrong.json",
                """{"name":"x","pcrSelection":"sha256:0,7","measuredBoot":{"bootApplications":["abcd"]}}"""u8.ToArray()), "--eventlog", log))
            .AssertUnusable("wrong.json is not a valid policy", "measuredBoot.bootApplications value 'abcd' is not 64 hex digits", "judges PCR 4");
        (await Attestctl.RunAsync("policy", "check", "--policy", scratch.Write("plain.json", """{"name":"plain"}"""u8.ToArray()), "--eventlog", log))
            .AssertUnusable("nothing to check");
        (await Attestctl.RunAsync("policy", "from-eventlog", log, "--pcrs", "0-99")).AssertUnusable("--pcrs '0-99'");
        (await Attestctl.RunAsync("policy", "from-eventlog", Path.Combine(scratch.Path, "absent.bin"))).AssertUnusable("cannot read event log file");
    }

    [Fact]
    public async Task A_sha1_bank_policy_still_refuses_sha1_signatures()
    {
        using var scratch = new ScratchDirectory();
        var log = scratch.Write("golden.bin", PolicyLogs.Boot());
        var policy = Path.Combine(scratch.Path, "policy.yaml");
        (await Attestctl.RunAsync("policy", "from-eventlog", log, "--bank", "sha1", "-o", policy)).AssertExit(0);
        var text = await File.ReadAllTextAsync(policy, TestContext.Current.CancellationToken);
        Assert.Contains("pcrSelection: sha1:0,", text);
        // allowedHashes govern the quote's signature and the AK, not the PCR bank: SHA-1 stays refused there.
        Assert.DoesNotContain("- sha1", text);
        (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", log)).AssertExit(0);
    }

    [Fact]
    public async Task Json_policies_and_the_published_schema()
    {
        var (scratch, _, log) = await GoldenAsync();
        using var _ = scratch;
        var schema = (await Attestctl.RunAsync("policy", "schema")).AssertExit(0).StdOut;
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Find(), "docs", "attestation-policy.schema.json"), TestContext.Current.CancellationToken), schema);
        var json = scratch.Write("p.json", """
            {"name":"json-policy","pcrSelection":"sha256:0,1,2,3,4,5,6,7","eventLog":"required",
             "measuredBoot":{"requireSecureBoot":true,"requireSeparators":true}}
            """u8.ToArray());
        (await Attestctl.RunAsync("policy", "check", "--policy", json, "--eventlog", log)).AssertExit(0);
    }

    [Theory]
    [InlineData("eventlogs/event-gce-ubuntu-2104-log.bin")]
    [InlineData("eventlogs/event-sd-boot-fedora37.bin")]
    [InlineData("eventlogs/event-arch-linux.bin")]
    [InlineData("eventlogs/event-uefi-sha1-log.bin")]
    public async Task Vector_logs_make_policies_that_accept_them_and_refuse_another_machine(string vector)
    {
        var path = SharedVectors.Require(vector);
        using var scratch = new ScratchDirectory();
        var policy = Path.Combine(scratch.Path, "p.yaml");
        (await Attestctl.RunAsync("policy", "from-eventlog", path, "-o", policy)).AssertExit(0);
        (await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", path)).AssertExit(0);
        var other = SharedVectors.Require(vector.Contains("gce") ? "eventlogs/event-arch-linux.bin" : "eventlogs/event-gce-ubuntu-2104-log.bin");
        var check = await Attestctl.RunAsync("policy", "check", "--policy", policy, "--eventlog", other);
        Assert.True(check.ExitCode is 1, check.ToString());
        Assert.Contains(check.Lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
    }
}
