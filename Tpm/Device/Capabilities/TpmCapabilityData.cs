using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Capabilities;

/// <summary>
/// A decoded TPM2_GetCapability answer: moreData and the TPMS_CAPABILITY_DATA union. Only the list that matches
/// <see cref="Capability"/> is filled; the others stay empty.
/// </summary>
public sealed record TpmCapabilityData(TpmCapability Capability, bool MoreData)
{
    public IReadOnlyList<uint> Handles { get; init; } = [];
    public IReadOnlyList<TpmTaggedProperty> Properties { get; init; } = [];
    public IReadOnlyList<TpmAlgorithmProperty> Algorithms { get; init; } = [];
    /// <summary>TPMA_CC values for Commands; TPM_CC values for PpCommands / AuditCommands.</summary>
    public IReadOnlyList<uint> Commands { get; init; } = [];
    public IReadOnlyList<TpmEccCurve> Curves { get; init; } = [];
    public PcrSelection Pcrs { get; init; } = new([]);
}
