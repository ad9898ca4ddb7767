using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Writes synthetic crypto-agile event logs: a Spec ID header for the chosen banks, then events whose digests are
/// computed here from the data given (or supplied explicitly). For tests and for reference machines: the list of
/// <see cref="Measurements"/> says what a real TPM must be extended with to match the log.
/// </summary>
public sealed class EventLogBuilder
{
    private readonly SpecIdEvent _specId;
    private readonly LittleEndianWriter _events = new();
    private readonly List<BuiltMeasurement> _measurements = [];
    private bool _pcr0Extended;
    private bool _hasStartupLocality;

    public EventLogBuilder(params TpmAlgorithm[] banks)
    {
        if (banks.Length == 0)
            throw new ArgumentException("a crypto-agile log needs at least one bank", nameof(banks));
        if (banks.Distinct().Count() != banks.Length)
            throw new ArgumentException("a bank is listed twice", nameof(banks));
        foreach (var bank in banks)
            if (!TpmHash.IsComputable(bank))
                throw new ArgumentException($"{TpmHash.Describe(bank)} cannot be computed here", nameof(banks));
        Banks = banks.ToArray();
        _specId = new SpecIdEvent(0, 0, 2, 0, 2, Banks.Select(b => new SpecIdAlgorithm(b, TpmHash.DigestSize(b))).ToArray(), []);
    }

    public IReadOnlyList<TpmAlgorithm> Banks { get; }

    /// <summary>Every extending event written so far, in order.</summary>
    public IReadOnlyList<BuiltMeasurement> Measurements => _measurements;

    /// <summary>Events written so far, counting the Spec ID event.</summary>
    public int EventCount { get; private set; } = 1;

    /// <summary>
    /// EV_NO_ACTION "StartupLocality" on PCR 0 (zero digests, as the specification asks). It must come before
    /// anything extends PCR 0, because it describes PCR 0's starting value.
    /// </summary>
    public EventLogBuilder AddStartupLocality(byte locality)
    {
        if (_pcr0Extended || _hasStartupLocality)
            throw new InvalidOperationException("StartupLocality must be logged once, before PCR 0 is extended");
        _hasStartupLocality = true;
        return AddNoAction(new StartupLocalityEvent(locality).ToBytes());
    }

    /// <summary>An EV_NO_ACTION event on PCR 0 with all-zero digests.</summary>
    public EventLogBuilder AddNoAction(ReadOnlySpan<byte> data) =>
        Write(0, EventType.NoAction, Banks.ToDictionary(b => b, b => new byte[TpmHash.DigestSize(b)]), data, extends: false);

    /// <summary>An event whose digests are H(<paramref name="data"/>) in every bank.</summary>
    public EventLogBuilder AddEvent(int pcr, EventType type, ReadOnlySpan<byte> data) => AddMeasurement(pcr, type, data, data);

    /// <summary>An event whose digests are H(<paramref name="measured"/>) and whose data is <paramref name="eventData"/> (images, hashed separately from their description).</summary>
    public EventLogBuilder AddMeasurement(int pcr, EventType type, ReadOnlySpan<byte> measured, ReadOnlySpan<byte> eventData)
    {
        var digests = new Dictionary<TpmAlgorithm, byte[]>();
        foreach (var bank in Banks)
            digests[bank] = TpmHash.Compute(bank, measured);
        return AddEventWithDigests(pcr, type, eventData, digests);
    }

    /// <summary>An event with exactly the digests given (a subset of the banks is allowed, for logs that omit one).</summary>
    public EventLogBuilder AddEventWithDigests(int pcr, EventType type, ReadOnlySpan<byte> data, IReadOnlyDictionary<TpmAlgorithm, byte[]> digests)
    {
        foreach (var (bank, digest) in digests)
        {
            if (!Banks.Contains(bank))
                throw new ArgumentException($"{TpmHash.Describe(bank)} is not a bank of this log", nameof(digests));
            if (digest.Length != TpmHash.DigestSize(bank))
                throw new ArgumentException($"a {TpmHash.Describe(bank)} digest is {TpmHash.DigestSize(bank)} bytes, not {digest.Length}", nameof(digests));
        }
        return Write(pcr, type, digests, data, extends: type != EventType.NoAction);
    }

    /// <summary>EV_SEPARATOR with the 4-byte value (0 = normal, non-zero = error), digest H(value).</summary>
    public EventLogBuilder AddSeparator(int pcr, uint value = 0) =>
        AddEvent(pcr, EventType.Separator, new LittleEndianWriter().WriteUInt32(value).ToArray());

    /// <summary>
    /// A UEFI variable event. The digest covers the whole UEFI_VARIABLE_DATA, except for EV_EFI_VARIABLE_BOOT,
    /// where the PC Client specification hashes only the variable's value.
    /// </summary>
    public EventLogBuilder AddEfiVariable(int pcr, EventType type, Guid vendor, string name, ReadOnlySpan<byte> value)
    {
        var data = new UefiVariableData(vendor, name, value.ToArray()).ToBytes();
        return type == EventType.EfiVariableBoot ? AddMeasurement(pcr, type, value, data) : AddEvent(pcr, type, data);
    }

    /// <summary>The SecureBoot variable on PCR 7 (EV_EFI_VARIABLE_DRIVER_CONFIG, one byte).</summary>
    public EventLogBuilder AddSecureBoot(bool enabled) =>
        AddEfiVariable(7, EventType.EfiVariableDriverConfig, EfiGuids.GlobalVariable, "SecureBoot", [enabled ? (byte)1 : (byte)0]);

    /// <summary>PK, KEK, db or dbx on PCR 7, made of EFI_SIGNATURE_LISTs.</summary>
    public EventLogBuilder AddSignatureDatabase(string name, IEnumerable<EfiSignatureList> lists)
    {
        var vendor = name switch
        {
            "PK" or "KEK" => EfiGuids.GlobalVariable,
            "db" or "dbx" or "dbt" or "dbr" => EfiGuids.ImageSecurityDatabase,
            _ => throw new ArgumentException($"'{name}' is not a signature database (PK, KEK, db, dbx, dbt, dbr)", nameof(name)),
        };
        return AddEfiVariable(7, EventType.EfiVariableDriverConfig, vendor, name, EfiSignatureList.ToVariableData(lists));
    }

    /// <summary>
    /// EV_EFI_BOOT_SERVICES_APPLICATION for <paramref name="filePath"/>. Real firmware measures the image's
    /// Authenticode hash; here the digest is H(<paramref name="image"/>), which stands in for it.
    /// </summary>
    public EventLogBuilder AddBootServicesApplication(ReadOnlySpan<byte> image, string filePath, int pcr = 4, ulong loadAddress = 0x7f000000)
    {
        var data = new UefiImageLoadEvent(loadAddress, (ulong)image.Length, 0, EfiDevicePath.FromFilePath(filePath)).ToBytes();
        return AddMeasurement(pcr, EventType.EfiBootServicesApplication, image, data);
    }

    /// <summary>An EV_IPL string (GRUB: UTF-8 with a NUL on PCR 8/9; systemd-boot: UTF-16 on PCR 12), digest over the bytes written.</summary>
    public EventLogBuilder AddIpl(int pcr, string text, TextEncoding encoding = TextEncoding.Utf8, bool nulTerminated = true) =>
        AddEvent(pcr, EventType.Ipl, EventText.Encode(text, encoding, nulTerminated));

    /// <summary>
    /// A string as GRUB measures it into PCR 8: logged as UTF-8 with a NUL ("grub_cmd: X", "kernel_cmdline: X"),
    /// measured as X alone, without the prefix and the NUL.
    /// </summary>
    public EventLogBuilder AddGrubString(int pcr, string text)
    {
        var measured = text;
        foreach (var prefix in (string[])["grub_cmd: ", "kernel_cmdline: "])
            if (text.StartsWith(prefix, StringComparison.Ordinal))
                measured = text[prefix.Length..];
        return AddMeasurement(pcr, EventType.Ipl, System.Text.Encoding.UTF8.GetBytes(measured), EventText.Encode(text, TextEncoding.Utf8, nulTerminated: true));
    }

    /// <summary>An EV_EFI_ACTION string such as "Calling EFI Application from Boot Option" (ASCII, no NUL).</summary>
    public EventLogBuilder AddEfiAction(int pcr, string text) =>
        AddEvent(pcr, EventType.EfiAction, EventText.Encode(text, TextEncoding.Utf8, nulTerminated: false));

    /// <summary>The log: the Spec ID event as a TCG_PCR_EVENT, then every event as a TCG_PCR_EVENT2.</summary>
    public byte[] Build()
    {
        var specId = _specId.ToBytes();
        return new LittleEndianWriter()
            .WriteUInt32(0).WriteUInt32((uint)EventType.NoAction).WriteBytes(new byte[20])
            .WriteUInt32((uint)specId.Length).WriteBytes(specId)
            .WriteBytes(_events.WrittenSpan)
            .ToArray();
    }

    /// <summary>The events written so far without the Spec ID header: what to append to an existing log with the same banks.</summary>
    public byte[] BuildEvents() => _events.WrittenSpan.ToArray();

    private EventLogBuilder Write(int pcr, EventType type, IReadOnlyDictionary<TpmAlgorithm, byte[]> digests, ReadOnlySpan<byte> data, bool extends)
    {
        if (pcr is < 0 or > EventLogParser.MaxPcrIndex)
            throw new ArgumentOutOfRangeException(nameof(pcr), pcr, $"PCR index must be 0–{EventLogParser.MaxPcrIndex}");
        _events.WriteUInt32((uint)pcr).WriteUInt32((uint)type).WriteUInt32((uint)digests.Count);
        // Digests in the Spec ID table's order, as firmware writes them.
        foreach (var bank in Banks)
            if (digests.TryGetValue(bank, out var digest))
                _events.WriteUInt16((ushort)bank).WriteBytes(digest);
        _events.WriteUInt32((uint)data.Length).WriteBytes(data);
        EventCount++;
        if (extends)
        {
            _measurements.Add(new BuiltMeasurement(pcr, type, digests.ToDictionary(d => d.Key, d => d.Value.ToArray())));
            if (pcr == 0)
                _pcr0Extended = true;
        }
        return this;
    }
}
