using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Grains.Policies;

namespace OrleansAttest.Grains.Tests.MeasuredBoot;

/// <summary>PolicyValidator on measured-boot rules: one sentence per problem, normalised values, judgeable rules only.</summary>
public sealed class MeasuredBootPolicyValidatorTests
{
    private static AttestationPolicy Policy(MeasuredBootPolicy rules, string selection = "sha256:0,1,2,3,4,5,6,7,8,9",
        EventLogRequirement eventLog = EventLogRequirement.Default) =>
        new() { Name = "mb", PcrSelection = selection, MeasuredBoot = rules, EventLog = eventLog };

    [Fact]
    public void Values_are_normalised()
    {
        var (problems, normalized) = PolicyValidator.Validate(Policy(new MeasuredBootPolicy
        {
            BootApplications = ["0x" + new string('A', 64), new string('a', 64)],
            AllowedEventTypes = ["ev_ipl", "0x80000003", "EV_SEPARATOR"],
            DbxContains = [new string('B', 40)],
        }));
        Assert.Empty(problems);
        Assert.Equal([new string('a', 64)], normalized!.MeasuredBoot!.BootApplications);
        Assert.Equal(["EV_IPL", "EV_EFI_BOOT_SERVICES_APPLICATION", "EV_SEPARATOR"], normalized.MeasuredBoot.AllowedEventTypes);
        Assert.Equal([new string('b', 40)], normalized.MeasuredBoot.DbxContains);
        Assert.Equal(EventLogRequirement.Required, normalized.EffectiveEventLog);
    }

    [Fact]
    public void Every_problem_is_named_in_its_own_sentence()
    {
        var (problems, normalized) = PolicyValidator.Validate(Policy(new MeasuredBootPolicy
        {
            RequireSecureBoot = true,
            BootApplications = ["abcd"],
            Kernels = [new string('c', 64)],
            CommandLines = ["quiet"],
            AllowedEventTypes = ["EV_NOT_A_TYPE"],
        }, selection: "sha256:0,1,2,3", eventLog: EventLogRequirement.Ignored));
        Assert.Null(normalized);
        Assert.Contains(problems, p => p.Contains("eventLog is 'ignored'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("measuredBoot.bootApplications value 'abcd' is not 64 hex digits", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unknown event type 'EV_NOT_A_TYPE'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("requireSecureBoot/pk/kek/db/dbxContains judges PCR 7", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("bootApplications judges PCR 4", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("kernels judges PCR 9 or 11", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("commandLines judges PCR 8 or 12", StringComparison.Ordinal));
        Assert.Equal(7, problems.Count);
    }

    [Fact]
    public void Pk_kek_and_db_accept_thumbprints_beside_variable_digests()
    {
        var (problems, _) = PolicyValidator.Validate(Policy(new MeasuredBootPolicy { Db = [new string('d', 64)] }, selection: "sha1:0,1,2,3,4,5,6,7")
            with { AllowedHashes = ["sha1", "sha256"] });
        Assert.Empty(problems); // a SHA-256 thumbprint in a sha1 policy
        var (wrong, _) = PolicyValidator.Validate(Policy(new MeasuredBootPolicy { BootApplications = [new string('d', 64)] }, selection: "sha1:0,1,2,3,4,5,6,7")
            with { AllowedHashes = ["sha1", "sha256"] });
        Assert.Contains(wrong, p => p.Contains("is not 40 hex digits (a sha1 digest)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_policy_without_rules_keeps_todays_behaviour()
    {
        var (problems, normalized) = PolicyValidator.Validate(new AttestationPolicy { Name = "plain" });
        Assert.Empty(problems);
        Assert.Null(normalized!.MeasuredBoot);
        Assert.Equal(EventLogRequirement.Ignored, normalized.EffectiveEventLog);
        var (undefined, _) = PolicyValidator.Validate(new AttestationPolicy { Name = "odd", EventLog = (EventLogRequirement)42 });
        Assert.Contains(undefined, p => p.Contains("eventLog '42'", StringComparison.Ordinal));
    }
}
