namespace OrleansAttest.EdgeAgent.Connection;

/// <summary>
/// Refusals of a hello that say the verifier no longer vouches for this device (the node failed, was revoked, deleted
/// or suspended, or its declaration pins another TPM). Cluster credentials on disk must go then, as on a Revoked
/// message: a device that was offline when it failed never got that message. Transient refusals (busy, rate-limited,
/// policy unavailable) keep them.
/// </summary>
internal static class UntrustedRefusals
{
    private static readonly HashSet<string> Codes = new(StringComparer.Ordinal)
    {
        "node-failed", "node-revoked", "node-deleted", "node-suspended", "ek-public-mismatch", "ek-cert-mismatch",
    };

    public static bool Contains(string reasonCode) => Codes.Contains(reasonCode);
}
