using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>
/// The qualifiedSigner a TPM writes into TPMS_ATTEST for an AK created under the EK (TPM 2.0 Part 1, 16.6):
/// QN(EK) = ekNameAlg ‖ H(TPM_RH_ENDORSEMENT ‖ Name(EK)), QN(AK) = akNameAlg ‖ H(QN(EK) ‖ Name(AK)).
/// Matching it proves the quoting key sits directly under that EK in the endorsement hierarchy.
/// </summary>
public static class QualifiedSigner
{
    /// <summary>TPM_RH_ENDORSEMENT: the qualified name of the endorsement hierarchy is its handle.</summary>
    public const uint EndorsementHierarchy = 0x4000000B;

    public static byte[] OfEndorsementKey(ReadOnlySpan<byte> ekName)
    {
        var nameAlg = NameAlgOf(ekName, "EK");
        return TpmName.Qualify(nameAlg, TpmName.OfHandle(EndorsementHierarchy), ekName);
    }

    /// <summary>QN of a key whose parent is the EK; <paramref name="akName"/> starts with the AK's nameAlg.</summary>
    public static byte[] OfKeyUnderEk(ReadOnlySpan<byte> ekName, ReadOnlySpan<byte> akName)
    {
        var akNameAlg = NameAlgOf(akName, "AK");
        return TpmName.Qualify(akNameAlg, OfEndorsementKey(ekName), akName);
    }

    /// <summary>The nameAlg a Name starts with, checked against the Name's length.</summary>
    public static TpmAlgorithm NameAlgOf(ReadOnlySpan<byte> name, string what)
    {
        if (name.Length < 2)
            throw new ArgumentException($"the {what} Name is {name.Length} bytes: too short to be an object's Name");
        var alg = (TpmAlgorithm)(name[0] << 8 | name[1]);
        if (!TpmHash.IsComputable(alg) || name.Length != 2 + TpmHash.DigestSize(alg))
            throw new ArgumentException($"the {what} Name ({name.Length} bytes, nameAlg 0x{(ushort)alg:x4}) is not nameAlg ‖ digest of a supported hash");
        return alg;
    }
}
