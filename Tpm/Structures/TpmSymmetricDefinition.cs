using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Structures;

/// <summary>TPMT_SYM_DEF_OBJECT: the symmetric algorithm of a storage key (AES-128-CFB for TCG EK templates), or NULL.</summary>
public sealed record TpmSymmetricDefinition(TpmAlgorithm Algorithm, ushort KeyBits = 0, TpmAlgorithm Mode = TpmAlgorithm.Null)
{
    public static readonly TpmSymmetricDefinition Null = new(TpmAlgorithm.Null);
    public static readonly TpmSymmetricDefinition Aes128Cfb = new(TpmAlgorithm.Aes, 128, TpmAlgorithm.Cfb);

    public static TpmSymmetricDefinition Read(ref TpmReader reader, string field)
    {
        var alg = (TpmAlgorithm)reader.ReadUInt16(field + ".algorithm");
        if (alg == TpmAlgorithm.Null)
            return Null;
        var keyBits = reader.ReadUInt16(field + ".keyBits");
        var mode = (TpmAlgorithm)reader.ReadUInt16(field + ".mode");
        return new TpmSymmetricDefinition(alg, keyBits, mode);
    }

    public void WriteTo(TpmWriter writer)
    {
        writer.WriteUInt16((ushort)Algorithm);
        if (Algorithm != TpmAlgorithm.Null)
            writer.WriteUInt16(KeyBits).WriteUInt16((ushort)Mode);
    }
}
