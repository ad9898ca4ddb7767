using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>The TPMU_ATTEST union inside a TPMS_ATTEST; which member is present follows the attest's type.</summary>
public abstract record TpmsAttestInfo
{
    /// <summary>Marshals the union member (no selector: the enclosing TPMS_ATTEST's type is the selector).</summary>
    public abstract void WriteTo(TpmWriter writer);
}
