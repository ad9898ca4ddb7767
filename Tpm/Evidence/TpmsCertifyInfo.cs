using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Evidence;

/// <summary>TPMS_CERTIFY_INFO (TPM 2.0 Part 2, 10.12.3): the Name and qualified name of a certified object.</summary>
public sealed record TpmsCertifyInfo(byte[] Name, byte[] QualifiedName) : TpmsAttestInfo
{
    public static TpmsCertifyInfo Read(ref TpmReader reader)
    {
        var name = reader.ReadSized("certify.name", TpmsAttest.MaxNameBytes).ToArray();
        var qualifiedName = reader.ReadSized("certify.qualifiedName", TpmsAttest.MaxNameBytes).ToArray();
        return new TpmsCertifyInfo(name, qualifiedName);
    }

    public override void WriteTo(TpmWriter writer) => writer.WriteSized(Name).WriteSized(QualifiedName);
}
