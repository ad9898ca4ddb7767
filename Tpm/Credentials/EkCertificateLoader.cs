using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Loads one EK certificate from the bytes a device sends: PEM, DER, or DER as stored in TPM NV. In NV a
/// certificate may carry the TCG PC Client header (10 01 00 ‖ UINT16 length) and is often followed by the unused
/// rest of the index (all 0x00 or all 0xFF); both are taken off. Any other trailing byte is refused, because the
/// platform loader would silently ignore it.
/// </summary>
public static class EkCertificateLoader
{
    private const string Structure = "EK certificate";

    /// <summary>An EK certificate is 1–2 KiB; NV indexes holding one are at most a few KiB.</summary>
    public const int MaxInputBytes = 32 * 1024;

    /// <exception cref="TpmParseException">The bytes are not exactly one X.509 certificate.</exception>
    public static X509Certificate2 Load(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            throw new TpmParseException(Structure, "no bytes");
        if (data.Length > MaxInputBytes)
            throw new TpmParseException(Structure, $"{data.Length} bytes exceed the maximum {MaxInputBytes}");
        var der = LooksLikePem(data) ? DecodePem(data) : UnwrapDer(data);
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException e)
        {
            throw new TpmParseException(Structure, $"not a valid X.509 certificate: {e.Message}", inner: e);
        }
        try
        {
            // Decode now what validation reads later, so a certificate that loads but cannot be read fails here.
            _ = certificate.NotBefore;
            _ = certificate.NotAfter;
            _ = certificate.PublicKey.EncodedKeyValue.RawData;
            foreach (var extension in certificate.Extensions)
                _ = extension.Oid?.Value;
            return certificate;
        }
        catch (CryptographicException e)
        {
            certificate.Dispose();
            throw new TpmParseException(Structure, $"certificate fields cannot be decoded: {e.Message}", inner: e);
        }
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> data)
    {
        var text = data.TrimStart(" \t\r\n"u8);
        return text.StartsWith("-----BEGIN"u8);
    }

    private static byte[] DecodePem(ReadOnlySpan<byte> data)
    {
        var chars = new char[data.Length];
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] > 0x7F)
                throw new TpmParseException(Structure, "PEM text contains a non-ASCII byte", i);
            chars[i] = (char)data[i];
        }
        if (!PemEncoding.TryFind(chars, out var fields))
            throw new TpmParseException(Structure, "PEM text has no complete -----BEGIN/-----END block");
        var label = chars.AsSpan(fields.Label);
        if (!label.SequenceEqual("CERTIFICATE"))
            throw new TpmParseException(Structure, $"PEM block is '{new string(label)}', not CERTIFICATE");
        if (chars.AsSpan(fields.Location.End).Trim(" \t\r\n").Length != 0)
            throw new TpmParseException(Structure, "text follows the PEM certificate (only one certificate is expected)", fields.Location.End.Value);
        var der = new byte[fields.DecodedDataLength];
        if (!Convert.TryFromBase64Chars(chars.AsSpan(fields.Base64Data), der, out int written) || written != der.Length)
            throw new TpmParseException(Structure, "PEM base64 does not decode");
        return UnwrapDer(der);
    }

    private static byte[] UnwrapDer(ReadOnlySpan<byte> data)
    {
        // TCG PC Client Platform TPM Profile: an NV certificate may start with 0x10 0x01 0x00 and a UINT16 length.
        if (data.Length > 5 && data[0] == 0x10 && data[1] == 0x01 && data[2] == 0x00)
        {
            int length = data[3] << 8 | data[4];
            if (length > data.Length - 5)
                throw new TpmParseException(Structure, $"NV header says {length} certificate bytes but only {data.Length - 5} follow", 3);
            data = data.Slice(5, length);
        }
        int consumed;
        try
        {
            if (!AsnDecoder.TryReadEncodedValue(data, AsnEncodingRules.DER, out var tag, out _, out _, out consumed))
                throw new TpmParseException(Structure, "not a DER element (bad tag or length, or truncated)", 0);
            if (tag != Asn1Tag.Sequence)
                throw new TpmParseException(Structure, $"starts with tag {tag}, not a SEQUENCE", 0);
        }
        catch (AsnContentException e)
        {
            throw new TpmParseException(Structure, $"not a DER element: {e.Message}", 0, e);
        }
        var rest = data[consumed..];
        bool padding = rest.IsEmpty || (rest[0] is 0x00 or 0xFF && rest.IndexOfAnyExcept(rest[0]) < 0);
        if (!padding)
            throw new TpmParseException(Structure, $"{rest.Length} bytes follow the certificate and are not NV padding (all 0x00 or all 0xFF)", consumed);
        return data[..consumed].ToArray();
    }
}
