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
}
