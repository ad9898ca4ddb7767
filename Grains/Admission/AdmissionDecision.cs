using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Grains.Admission;

/// <summary>The outcome of admission: refused with a reason, or admitted with the parsed EK and AK.</summary>
public sealed record AdmissionDecision(
    string? ReasonCode,
    string Detail,
    TpmPublic? Ek = null,
    TpmPublic? Ak = null,
    string? TpmManufacturer = null)
{
    public bool Admitted => ReasonCode is null;

    public static AdmissionDecision Refuse(string reasonCode, string detail) => new(reasonCode, detail);
}
