using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.Device.Keys;

/// <summary>
/// An AK as it is kept outside the TPM: the marshalled TPM2B_PUBLIC and TPM2B_PRIVATE (size prefixes included, the
/// byte layout of tpm2-tools' ak.pub / ak.priv). The private part is encrypted under the EK and useless elsewhere.
/// </summary>
public sealed record AttestationKeyBlob
{
    public AttestationKeyBlob(byte[] publicBytes, byte[] privateBytes)
    {
        Public = TpmPublic.ParseSized(publicBytes);
        var reader = new TpmReader(privateBytes, "TPM2B_PRIVATE");
        if (reader.ReadSized("buffer", ObjectCommands.MaxPrivate).IsEmpty)
            throw new TpmParseException("TPM2B_PRIVATE", "the private area is empty", 0);
        reader.ExpectEnd();
        PublicBytes = publicBytes;
        PrivateBytes = privateBytes;
    }

    public byte[] PublicBytes { get; }
    public byte[] PrivateBytes { get; }
    public TpmPublic Public { get; }

    public byte[] ComputeName() => Public.ComputeName();

    public TpmKeyAlgorithm Algorithm => Public.IsRsa ? TpmKeyAlgorithm.Rsa : TpmKeyAlgorithm.Ecc;
}
