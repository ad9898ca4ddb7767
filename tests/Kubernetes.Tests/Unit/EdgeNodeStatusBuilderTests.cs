using OrleansAttest.Grains.Interfaces;
using OrleansAttest.Silo.Kubernetes;
using OrleansAttest.Silo.Kubernetes.Status;

namespace OrleansAttest.Kubernetes.Tests.Unit;

public sealed class EdgeNodeStatusBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static EdgeNodeStatus Grain(NodePhase phase, string? reason = null, bool connected = true, AttestationRecord? last = null) =>
        new("n", phase, reason, $"detail of {phase}", "p", true, "000b" + new string('a', 64), null, last, 3, 0, 1, 0, 0x20001, connected, T0, null, "IBM", T0);

    [Fact]
    public void Conditions_follow_the_phase_and_keep_their_transition_time_until_their_status_changes()
    {
        var enrolled = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Enrolled, last: new(T0, true, null, "ok")), null, 4, T0.AddMilliseconds(1500));
        Assert.Equal("Enrolled", enrolled.Phase);
        Assert.All(enrolled.Conditions!, c => Assert.Equal(("True", T0.AddSeconds(1), 4L), (c.Status, c.LastTransitionTime, c.ObservedGeneration!.Value)));
        Assert.Equal(new EdgeNodeLastAttestation { Time = T0, Result = "Pass" }, enrolled.LastAttestation);
        Assert.Equal(new EdgeNodeTpmInfo { Vendor = "IBM", Firmware = "0x20001" }, enrolled.Tpm);

        var failed = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Failed, "pcr-value-not-allowed", last: new(T0.AddMinutes(1), false, "pcr-value-not-allowed", "x")),
            enrolled, 4, T0.AddMinutes(1));
        var byType = failed.Conditions!.ToDictionary(c => c.Type);
        Assert.Equal(("False", "PcrValueNotAllowed", T0.AddMinutes(1)), (byType["Attested"].Status, byType["Attested"].Reason, byType["Attested"].LastTransitionTime));
        Assert.Equal(("False", T0.AddMinutes(1)), (byType["CredentialsIssued"].Status, byType["CredentialsIssued"].LastTransitionTime));
        // Still connected: Reachable did not change, nor did its time.
        Assert.Equal(("True", T0.AddSeconds(1)), (byType["Reachable"].Status, byType["Reachable"].LastTransitionTime));
        Assert.Equal(("Fail", "pcr-value-not-allowed"), (failed.LastAttestation!.Result, failed.LastAttestation.Reason));

        var unreachable = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Unreachable, "no-valid-quote", connected: false), failed, 4, T0.AddMinutes(2));
        Assert.Equal(("False", "Unreachable"), (unreachable.Conditions!.Single(c => c.Type == "Reachable").Status, unreachable.Conditions!.Single(c => c.Type == "Reachable").Reason));
    }

    [Fact]
    public void A_write_is_needed_for_any_change_but_a_moved_verdict_time_only_once_per_interval()
    {
        var interval = TimeSpan.FromMinutes(5);
        var current = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Enrolled, last: new(T0, true, null, "ok")), null, 1, T0);
        var sameLater = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Enrolled, last: new(T0.AddSeconds(30), true, null, "ok")), current, 1, T0.AddSeconds(30));
        Assert.False(EdgeNodeStatusBuilder.NeedsWrite(current, current, interval, T0));
        Assert.False(EdgeNodeStatusBuilder.NeedsWrite(sameLater, current, interval, T0.AddSeconds(30)));
        Assert.True(EdgeNodeStatusBuilder.NeedsWrite(sameLater, current, interval, T0.AddMinutes(5)));
        Assert.True(EdgeNodeStatusBuilder.NeedsWrite(sameLater, null, interval, T0));
        var regenerated = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Enrolled, last: new(T0, true, null, "ok")), current, 2, T0);
        Assert.True(EdgeNodeStatusBuilder.NeedsWrite(regenerated, current, interval, T0));
        var failed = EdgeNodeStatusBuilder.Build(Grain(NodePhase.Failed, "x", last: new(T0, false, "x", "x")), current, 1, T0);
        Assert.True(EdgeNodeStatusBuilder.NeedsWrite(failed, current, interval, T0));
    }

    [Theory]
    [InlineData("pcr-value-not-allowed", "PcrValueNotAllowed")]
    [InlineData("reset", "Reset")]
    [InlineData("1-bad", "R1Bad")]
    [InlineData("--", "R")]
    public void Reason_codes_become_condition_reasons(string code, string reason)
    {
        Assert.Equal(reason, KubeNames.Reason(code));
        Assert.Matches("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", KubeNames.Reason(code));
    }

    [Fact]
    public void Event_names_are_deterministic_per_transition_and_valid_for_long_node_names()
    {
        var t = new Grains.ClusterSync.ClusterNodeTransition("edge-1", NodePhase.Enrolled, NodePhase.Failed, "x", "d", T0);
        Assert.Equal(KubeNames.EventName(t), KubeNames.EventName(t with { Detail = "other" }));
        Assert.NotEqual(KubeNames.EventName(t), KubeNames.EventName(t with { Time = T0.AddMilliseconds(1) }));
        Assert.StartsWith("edge-1.", KubeNames.EventName(t));
        var longName = KubeNames.EventName(t with { NodeName = string.Join('.', Enumerable.Repeat(new string('a', 60), 4)) });
        Assert.True(longName.Length <= 253);
        Assert.Matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", longName);
    }
}
