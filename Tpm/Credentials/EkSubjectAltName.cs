using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// Reads the TPM manufacturer, model and version from an EK certificate's SubjectAltName directoryName. Vendors
/// put the three attributes into one RDN or into three; both are read. Other GeneralNames are skipped.
/// </summary>
public static class EkSubjectAltName
{
    private const string Structure = "EK certificate SubjectAltName";

    /// <summary>The device info, or null when the certificate has no SubjectAltName or it names no TPM attribute.</summary>
    /// <exception cref="TpmParseException">The SubjectAltName extension is not valid DER.</exception>
    public static TpmDeviceInfo? Read(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions.FirstOrDefault(e => e.Oid?.Value == TcgOids.SubjectAltName);
        return extension is null ? null : Parse(extension.RawData);
    }

    /// <summary>Parses the extension value (GeneralNames).</summary>
    public static TpmDeviceInfo? Parse(ReadOnlySpan<byte> extensionValue)
    {
        string? manufacturer = null, model = null, version = null;
        try
        {
            var names = new AsnReader(extensionValue.ToArray(), AsnEncodingRules.DER);
            var sequence = names.ReadSequence();
            names.ThrowIfNotEmpty();
            var directoryName = new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true);
            while (sequence.HasData)
            {
                if (!sequence.PeekTag().HasSameClassAndValue(directoryName))
                {
                    sequence.ReadEncodedValue();
                    continue;
                }
                var name = sequence.ReadSequence(directoryName).ReadSequence();
                while (name.HasData)
                {
                    var rdn = name.ReadSetOf();
                    while (rdn.HasData)
                    {
                        var attribute = rdn.ReadSequence();
                        var oid = attribute.ReadObjectIdentifier();
                        var tag = attribute.PeekTag();
                        if (tag.TagClass != TagClass.Universal)
                            throw new TpmParseException(Structure, $"attribute {oid} does not hold a string");
                        var value = attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                        attribute.ThrowIfNotEmpty();
                        switch (oid)
                        {
                            case TcgOids.TpmManufacturer: manufacturer = value; break;
                            case TcgOids.TpmModel: model = value; break;
                            case TcgOids.TpmVersion: version = value; break;
                        }
                    }
                }
            }
        }
        catch (Exception e) when (e is AsnContentException or ArgumentException)
        {
            // ArgumentException: ReadCharacterString on a universal tag that is not a string type.
            throw new TpmParseException(Structure, $"not a valid GeneralNames encoding: {e.Message}", inner: e);
        }
        return manufacturer is null && model is null && version is null ? null : new TpmDeviceInfo(manufacturer, model, version);
    }
}
