using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>TPM2_Create's answer: the marshalled TPM2B_PRIVATE and TPM2B_PUBLIC (size prefixes included) and the parsed public area.</summary>
public sealed record CreateResult(byte[] PrivateBytes, byte[] PublicBytes, TpmPublic Public);
