using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Nv;

/// <summary>TPMS_NV_PUBLIC of an NV index plus its Name, as TPM2_NV_ReadPublic returns them.</summary>
public sealed record NvPublic(uint Index, TpmAlgorithm NameAlg, NvAttributes Attributes, byte[] AuthPolicy, ushort DataSize, byte[] Name)
{
    /// <summary>TPM_NT (bits 4..7): 0 ordinary, 1 counter, 2 bits, 4 extend, 8 PIN fail, 9 PIN pass.</summary>
    public int Type => (int)(((uint)Attributes >> 4) & 0xF);

    public bool Has(NvAttributes attributes) => (Attributes & attributes) == attributes;
}
