namespace OrleansAttest.Grains.Interfaces;

/// <summary>Where an edge node stands (DESIGN.md "Enrollment and attestation"). Each transition is persisted before it is acted on.</summary>
[GenerateSerializer]
public enum NodePhase
{
    /// <summary>Declared or said hello; its AK is not yet proven to live in the TPM that owns the EK.</summary>
    Pending = 0,
    /// <summary>The agent proved the AK with ActivateCredential; no quote has passed yet.</summary>
    Activated = 1,
    /// <summary>The latest quote passed every check and the policy.</summary>
    Attested = 2,
    /// <summary>Attested and its credentials were delivered and acknowledged.</summary>
    Enrolled = 3,
    /// <summary>A quote failed a check or the policy; nothing comes back until an operator reset (or autoRecover).</summary>
    Failed = 4,
    /// <summary>No valid quote arrived within the policy's unreachableAfter.</summary>
    Unreachable = 5,
    /// <summary>An operator revoked the node.</summary>
    Revoked = 6,
    /// <summary>The declaration was deleted; the grain keeps only a tombstone.</summary>
    Deleted = 7,
}
