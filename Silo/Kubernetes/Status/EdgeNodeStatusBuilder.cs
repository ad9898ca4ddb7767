using OrleansAttest.Grains.Interfaces;

namespace OrleansAttest.Silo.Kubernetes.Status;

/// <summary>
/// The EdgeNode status that reflects a grain's state (pure): phase, the three conditions, lastAttestation, akName,
/// TPM, observedGeneration. A condition's lastTransitionTime moves only when its status changes.
/// </summary>
public static class EdgeNodeStatusBuilder
{
    public static EdgeNodeResourceStatus Build(EdgeNodeStatus grain, EdgeNodeResourceStatus? current, long? observedGeneration, DateTimeOffset now)
    {
        now = new DateTimeOffset(now.UtcDateTime.Ticks - now.UtcDateTime.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var reason = grain.ReasonCode is { Length: > 0 } code ? KubeNames.Reason(code) : null;
        var detail = KubeNames.Limit(grain.Detail ?? "", 32768);
        var phase = grain.Phase;
        var attested = phase switch
        {
            NodePhase.Attested or NodePhase.Enrolled => ("True", reason ?? "QuotePassed", detail),
            NodePhase.Failed => ("False", reason ?? "AttestationFailed", detail),
            NodePhase.Unreachable => ("False", reason ?? "Unreachable", detail),
            NodePhase.Revoked => ("False", reason ?? "Revoked", detail),
            NodePhase.Deleted => ("False", reason ?? "Deleted", detail),
            _ => ("False", reason ?? "AwaitingAttestation", detail),
        };
        var credentials = phase switch
        {
            NodePhase.Enrolled => ("True", "CredentialsAcknowledged", "the agent stored its credentials"),
            NodePhase.Attested => ("False", "AwaitingAcknowledgement", "credentials are being delivered to the agent"),
            _ => ("False", "NotTrusted", $"a node in phase {phase} holds no credentials"),
        };
        var reachable = phase == NodePhase.Unreachable
            ? ("False", "Unreachable", detail)
            : grain.AgentConnected ? ("True", "AgentConnected", "an activated agent is connected")
            : ("False", "AgentNotConnected", "no activated agent is connected");
        return new EdgeNodeResourceStatus
        {
            Phase = phase.ToString(),
            ObservedGeneration = observedGeneration,
            AkName = grain.AkName,
            Tpm = grain.TpmManufacturer is null && grain.FirmwareVersion is null ? null : new EdgeNodeTpmInfo
            {
                Vendor = grain.TpmManufacturer is { } vendor ? KubeNames.Limit(vendor, 64) : null,
                Firmware = grain.FirmwareVersion is { } firmware ? $"0x{firmware:x}" : null,
            },
            LastAttestation = grain.LastAttestation is { } last ? new EdgeNodeLastAttestation
            {
                Time = last.Time,
                Result = last.Passed ? "Pass" : "Fail",
                Reason = last.ReasonCode is { } r ? KubeNames.Limit(r, 1024) : null,
            } : null,
            Conditions =
            [
                Condition(EdgeNodeConditionTypes.Attested, attested, current, observedGeneration, now),
                Condition(EdgeNodeConditionTypes.CredentialsIssued, credentials, current, observedGeneration, now),
                Condition(EdgeNodeConditionTypes.Reachable, reachable, current, observedGeneration, now),
            ],
        };
    }

    /// <summary>
    /// Whether <paramref name="current"/> must be rewritten to become <paramref name="desired"/>: anything but the
    /// latest verdict's time differs, or that time is older than <paramref name="refreshInterval"/> and moved.
    /// </summary>
    public static bool NeedsWrite(EdgeNodeResourceStatus desired, EdgeNodeResourceStatus? current, TimeSpan refreshInterval, DateTimeOffset now)
    {
        if (current is null)
            return true;
        if (desired.Phase != current.Phase || desired.ObservedGeneration != current.ObservedGeneration || desired.AkName != current.AkName
            || !Equals(desired.Tpm, current.Tpm))
            return true;
        var a = desired.Conditions ?? [];
        var b = current.Conditions ?? [];
        if (a.Count != b.Count || a.Any(c => b.FirstOrDefault(x => x.Type == c.Type) is not { } o
            || o.Status != c.Status || o.Reason != c.Reason || o.Message != c.Message || o.ObservedGeneration != c.ObservedGeneration))
            return true;
        var (d, k) = (desired.LastAttestation, current.LastAttestation);
        if (d is null || k is null)
            return d is not null || k is not null;
        if (d.Result != k.Result || d.Reason != k.Reason)
            return true;
        return d.Time != k.Time && now - k.Time >= refreshInterval;
    }

    private static EdgeNodeCondition Condition(string type, (string Status, string Reason, string Message) value, EdgeNodeResourceStatus? current,
        long? observedGeneration, DateTimeOffset now)
    {
        var previous = current?.Conditions?.FirstOrDefault(c => c.Type == type);
        return new EdgeNodeCondition
        {
            Type = type,
            Status = value.Status,
            Reason = value.Reason,
            Message = value.Message,
            ObservedGeneration = observedGeneration,
            LastTransitionTime = previous is not null && previous.Status == value.Status ? previous.LastTransitionTime : now,
        };
    }
}
