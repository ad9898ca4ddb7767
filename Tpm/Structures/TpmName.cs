namespace OrleansAttest.Tpm.Structures;

/// <summary>TPM2B_NAME contents (TPM 2.0 Part 1, 16): nameAlg ‖ H_nameAlg(public area) for objects, the handle for permanent entities.</summary>
public static class TpmName
{
    public static byte[] Compute(TpmAlgorithm nameAlg, ReadOnlySpan<byte> marshalledPublicArea)
    {
        var digest = TpmHash.Compute(nameAlg, marshalledPublicArea);
        var name = new byte[2 + digest.Length];
        name[0] = (byte)((ushort)nameAlg >> 8);
        name[1] = (byte)nameAlg;
        digest.CopyTo(name, 2);
        return name;
    }

    /// <summary>The Name of a permanent handle such as TPM_RH_ENDORSEMENT (0x4000000B) is its 4-byte handle.</summary>
    public static byte[] OfHandle(uint handle) =>
        [(byte)(handle >> 24), (byte)(handle >> 16), (byte)(handle >> 8), (byte)handle];

    /// <summary>
    /// The qualified name of an object: QN(child) = nameAlg ‖ H(QN(parent) ‖ Name(child)) (TPM 2.0 Part 1, 16),
    /// where a hierarchy's qualified name is its handle.
    /// </summary>
    public static byte[] Qualify(TpmAlgorithm nameAlg, ReadOnlySpan<byte> parentQualifiedName, ReadOnlySpan<byte> childName)
    {
        var buffer = new byte[parentQualifiedName.Length + childName.Length];
        parentQualifiedName.CopyTo(buffer);
        childName.CopyTo(buffer.AsSpan(parentQualifiedName.Length));
        return Compute(nameAlg, buffer);
    }
}
