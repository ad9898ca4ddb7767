using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>TPM2_ReadPublic's answer: the public area, the object's Name and its qualified name.</summary>
public sealed record ReadPublicResult(TpmPublic Public, byte[] Name, byte[] QualifiedName);
