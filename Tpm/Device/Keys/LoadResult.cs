namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>TPM2_Load's answer: the transient handle and the Name the TPM computed.</summary>
public sealed record LoadResult(uint Handle, byte[] Name);
