using System.Text;
using OrleansAttest.Tpm.Marshalling;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// UEFI_VARIABLE_DATA (PC Client PFP 10.2.6): the data of EV_EFI_VARIABLE_DRIVER_CONFIG, _BOOT, _BOOT2 and
/// _AUTHORITY events — which variable (vendor GUID and name) and its value.
/// </summary>
public sealed record UefiVariableData(Guid VariableName, string UnicodeName, byte[] VariableData) : EventDetail
{
    /// <summary>Longer names than this are not UEFI variables we care about, and not a reason to allocate much.</summary>
    public const int MaxNameChars = 1024;

    /// <summary>The variable value cap: the whole event is capped at 1 MiB anyway.</summary>
    public const int MaxDataBytes = 1 << 20;

    /// <summary>True for the SecureBoot variable of EFI_GLOBAL_VARIABLE.</summary>
    public bool IsSecureBoot => VariableName == EfiGuids.GlobalVariable && UnicodeName == "SecureBoot";

    /// <summary>
    /// The SecureBoot value: true for 1, false for 0, null when this is not SecureBoot or the value is not a
    /// single byte (an empty value is what some firmware measures when the variable does not exist).
    /// </summary>
    public bool? SecureBootEnabled => IsSecureBoot && VariableData.Length == 1 ? VariableData[0] != 0 : null;

    /// <summary>True for PK and KEK (EFI_GLOBAL_VARIABLE) and db, dbx, dbt, dbr (EFI_IMAGE_SECURITY_DATABASE).</summary>
    public bool IsSignatureDatabase =>
        (VariableName == EfiGuids.GlobalVariable && UnicodeName is "PK" or "KEK")
        || (VariableName == EfiGuids.ImageSecurityDatabase && UnicodeName is "db" or "dbx" or "dbt" or "dbr");

    /// <summary>Parses the value as a sequence of EFI_SIGNATURE_LISTs (for PK, KEK, db, dbx, MokList...).</summary>
    public IReadOnlyList<EfiSignatureList> ParseSignatureLists() => EfiSignatureList.ParseAll(VariableData);

    /// <summary>
    /// For an EV_EFI_VARIABLE_AUTHORITY event that names a db entry: the EFI_SIGNATURE_DATA (owner + certificate)
    /// that authorized an image. Null when the value is too short to be one (shim's SbatLevel, MokListTrusted).
    /// </summary>
    public EfiSignatureData? TryParseAuthority() =>
        VariableData.Length > 16 ? EfiSignatureData.Parse(VariableData, EfiGuids.CertX509) : null;

    public override string Summary
    {
        get
        {
            if (IsSecureBoot)
                return VariableData.Length == 1 ? $"SecureBoot={VariableData[0]}" : $"SecureBoot=<{VariableData.Length} bytes>";
            if (IsSignatureDatabase)
            {
                try
                {
                    var lists = ParseSignatureLists();
                    int certificates = lists.Sum(l => l.Signatures.Count(s => s.IsX509Certificate));
                    int hashes = lists.Sum(l => l.Signatures.Count) - certificates;
                    return $"{UnicodeName}: {certificates} certificate(s), {hashes} hash(es)";
                }
                catch (TpmParseException e)
                {
                    return $"{UnicodeName}: malformed signature list ({e.Problem})";
                }
            }
            if (UnicodeName == "BootOrder" && VariableData.Length % 2 == 0)
                return "BootOrder=" + string.Join(",", Enumerable.Range(0, VariableData.Length / 2)
                    .Select(i => (VariableData[2 * i] | VariableData[2 * i + 1] << 8).ToString("X4")));
            if (UefiLoadOption.TryGetDescription(UnicodeName, VariableData) is { } description)
                return $"{UnicodeName}: {EventText.Escape(description)}";
            return $"{UnicodeName} ({VariableData.Length} bytes)";
        }
    }

    /// <summary>Parses UEFI_VARIABLE_DATA; throws <see cref="TpmParseException"/> when the lengths do not match the bytes.</summary>
    public static UefiVariableData Parse(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "UEFI_VARIABLE_DATA", baseOffset);
        var guid = reader.ReadGuid("VariableName");
        ulong nameLength = reader.ReadUInt64("UnicodeNameLength");
        ulong dataLength = reader.ReadUInt64("VariableDataLength");
        int nameChars = reader.ReadLength(nameLength, "UnicodeNameLength", MaxNameChars, unitSize: 2);
        var name = Encoding.Unicode.GetString(reader.ReadBytes(nameChars * 2, "UnicodeName"));
        int valueBytes = reader.ReadLength(dataLength, "VariableDataLength", MaxDataBytes);
        var value = reader.ReadBytes(valueBytes, "VariableData").ToArray();
        reader.ExpectEnd();
        return new UefiVariableData(guid, name.TrimEnd('\0'), value);
    }

    /// <summary>The structure's bytes (the name without a terminating NUL, as firmware writes it).</summary>
    public byte[] ToBytes() => new LittleEndianWriter()
        .WriteGuid(VariableName)
        .WriteUInt64((ulong)UnicodeName.Length)
        .WriteUInt64((ulong)VariableData.Length)
        .WriteBytes(Encoding.Unicode.GetBytes(UnicodeName))
        .WriteBytes(VariableData)
        .ToArray();
}
