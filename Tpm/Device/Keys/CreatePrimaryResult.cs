using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>TPM2_CreatePrimary's answer: the transient handle of the new object, its public area and Name.</summary>
public sealed record CreatePrimaryResult(uint Handle, TpmPublic Public, byte[] Name);
