namespace OrleansAttest.Grains.Admission;

/// <summary>Section <c>OrleansAttest:Admission</c>: who may enroll (DESIGN.md "Enrollment and attestation", step 3).</summary>
public sealed class AdmissionOptions
{
    public const string Section = "OrleansAttest:Admission";

    /// <summary>
    /// The trusted EK CA bundle: a PEM/DER file or a directory of them. When set, every EK certificate a device
    /// presents or a declaration pins must chain to it. Unset: certificates are only compared, never trusted.
    /// </summary>
    public string? EkCaBundle { get; set; }

    /// <summary>Admit a node nobody declared when its EK certificate chains to <see cref="EkCaBundle"/> (its EK is then pinned to its name).</summary>
    public bool AdmitUndeclaredWithTrustedEkCa { get; set; }

    /// <summary>Policy of nodes admitted without a declaration.</summary>
    public string DefaultPolicyName { get; set; } = "default";

    /// <summary>How long an agent has to answer a MakeCredential challenge.</summary>
    public TimeSpan ChallengeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Challenges a node keeps pending at once (from different streams); the oldest is evicted beyond it.</summary>
    public int MaxPendingChallenges { get; set; } = 4;

    /// <summary>New challenges a node may issue back to back before <see cref="HelloInterval"/> applies.</summary>
    public int HelloBurst { get; set; } = 3;

    /// <summary>Time per new challenge once the burst is used up; a hello that would need one sooner is refused "hello-rate-limited".</summary>
    public TimeSpan HelloInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most one audit entry per refusal reason of a node's hellos per this interval (the rest are logged and counted).</summary>
    public TimeSpan RefusalAuditInterval { get; set; } = TimeSpan.FromMinutes(1);
}
