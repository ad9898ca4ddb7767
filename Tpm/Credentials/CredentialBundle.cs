using System.Buffers.Binary;
using System.Text;

namespace OrleansAttest.Tpm.Credentials;

/// <summary>
/// The plaintext of a credential delivery: named files and their validity. Binary, big-endian, versioned, bounded:
/// "OACB" ‖ version (1 byte, 1) ‖ issuedAt ‖ expiresAt (int64 Unix ms) ‖ file count (1 byte) ‖ per file: name length
/// (1 byte) ‖ ASCII name ‖ content length (uint32) ‖ content. Nothing may follow the last file. Names are plain file
/// names ([A-Za-z0-9._-]{1,100}, no leading dot, no ".."), unique; at most <see cref="MaxFiles"/> files and
/// <see cref="MaxContentBytes"/> bytes of content in all — so an agent writing them can never leave its directory.
/// </summary>
public sealed record CredentialBundle(IReadOnlyList<CredentialBundleFile> Files, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt)
{
    public const byte Version = 1;
    public const int MaxFiles = 32;
    public const int MaxNameLength = 100;
    public const int MaxContentBytes = 1 << 20;
    private const int HeaderBytes = 4 + 1 + 8 + 8 + 1;
    private const int FileOverheadBytes = 1 + 4;

    /// <summary>The largest encoding a valid bundle can have.</summary>
    public const int MaxEncodedBytes = HeaderBytes + MaxFiles * (FileOverheadBytes + MaxNameLength) + MaxContentBytes;

    private static ReadOnlySpan<byte> Magic => "OACB"u8;

    /// <summary>Why <paramref name="name"/> cannot be a credential file name, or null when it can.</summary>
    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "a credential file name is empty";
        if (name.Length > MaxNameLength)
            return $"the credential file name '{name[..20]}…' has {name.Length} characters; at most {MaxNameLength} are allowed";
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                return $"the credential file name '{Printable(name)}' contains {(c is '/' or '\\' ? "a path separator" : $"'{Printable(c.ToString())}'")}; only ASCII letters, digits, '.', '_' and '-' are allowed";
        }
        if (name[0] == '.')
            return $"the credential file name '{name}' starts with a dot; hidden names are reserved for the agent";
        if (name.Contains("..", StringComparison.Ordinal))
            return $"the credential file name '{name}' contains '..'";
        return null;
    }

    /// <summary>Checks every rule; throws the first problem found.</summary>
    /// <exception cref="CredentialPayloadException">A rule is broken (reason code names which).</exception>
    public void Validate()
    {
        if (Files is null)
            throw new CredentialPayloadException(CredentialPayloadReasons.BundleMalformed, "the credential bundle has no file list");
        if (Files.Count > MaxFiles)
            throw new CredentialPayloadException(CredentialPayloadReasons.BundleTooLarge, $"the credential bundle has {Files.Count} files; at most {MaxFiles} are allowed");
        if (ExpiresAt <= IssuedAt)
            throw new CredentialPayloadException(CredentialPayloadReasons.BundleExpiryInvalid,
                $"the credential bundle expires at {ExpiresAt:u}, not after it was issued ({IssuedAt:u})");
        var names = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var file in Files)
        {
            if (file is null)
                throw new CredentialPayloadException(CredentialPayloadReasons.BundleMalformed, "the credential bundle has an empty file entry");
            if (NameProblem(file.Name) is { } problem)
                throw new CredentialPayloadException(CredentialPayloadReasons.FileNameInvalid, problem);
            if (!names.Add(file.Name))
                throw new CredentialPayloadException(CredentialPayloadReasons.FileDuplicate, $"the credential bundle names file '{file.Name}' twice");
            total += file.Content?.Length ?? 0;
            if (total > MaxContentBytes)
                throw new CredentialPayloadException(CredentialPayloadReasons.BundleTooLarge,
                    $"the credential files hold more than {MaxContentBytes} bytes in all");
        }
    }

    /// <exception cref="CredentialPayloadException">The bundle breaks a rule (<see cref="Validate"/>).</exception>
    public byte[] Encode()
    {
        Validate();
        var size = HeaderBytes + Files.Sum(f => FileOverheadBytes + f.Name.Length + (f.Content?.Length ?? 0));
        var output = new byte[size];
        var span = output.AsSpan();
        Magic.CopyTo(span);
        span[4] = Version;
        BinaryPrimitives.WriteInt64BigEndian(span[5..], IssuedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt64BigEndian(span[13..], ExpiresAt.ToUnixTimeMilliseconds());
        span[21] = (byte)Files.Count;
        int at = HeaderBytes;
        foreach (var file in Files)
        {
            var content = file.Content ?? [];
            span[at++] = (byte)file.Name.Length;
            at += Encoding.ASCII.GetBytes(file.Name, span[at..]);
            BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)content.Length);
            at += 4;
            content.CopyTo(span[at..]);
            at += content.Length;
        }
        return output;
    }

    /// <summary>Parses and validates a whole encoding; lengths are checked against the remaining bytes before anything is allocated.</summary>
    /// <exception cref="CredentialPayloadException">The bytes are not a valid version-1 bundle.</exception>
    public static CredentialBundle Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxEncodedBytes)
            throw Malformed($"it has {data.Length} bytes; a bundle has at most {MaxEncodedBytes}", CredentialPayloadReasons.BundleTooLarge);
        if (data.Length < HeaderBytes)
            throw Malformed($"it has {data.Length} bytes, fewer than the {HeaderBytes}-byte header");
        if (!data[..4].SequenceEqual(Magic))
            throw Malformed($"it starts with {Convert.ToHexString(data[..4])}, not \"OACB\"");
        if (data[4] != Version)
            throw Malformed($"it is version {data[4]}; this agent reads version {Version}");
        var issuedAt = Time(BinaryPrimitives.ReadInt64BigEndian(data[5..]), "issuedAt");
        var expiresAt = Time(BinaryPrimitives.ReadInt64BigEndian(data[13..]), "expiresAt");
        int count = data[21];
        if (count > MaxFiles)
            throw Malformed($"it declares {count} files; at most {MaxFiles} are allowed", CredentialPayloadReasons.BundleTooLarge);
        var files = new List<CredentialBundleFile>(count);
        int at = HeaderBytes;
        for (int i = 0; i < count; i++)
        {
            if (data.Length - at < 1)
                throw Malformed($"file {i} is cut off before its name length (offset {at})");
            int nameLength = data[at++];
            if (nameLength == 0 || nameLength > MaxNameLength)
                throw new CredentialPayloadException(CredentialPayloadReasons.FileNameInvalid,
                    $"file {i} of the credential bundle has a {nameLength}-character name; names have 1 to {MaxNameLength}");
            if (data.Length - at < nameLength + 4)
                throw Malformed($"file {i} is cut off in its name or content length (offset {at})");
            var nameBytes = data.Slice(at, nameLength);
            foreach (var b in nameBytes)
            {
                if (b >= 0x80)
                    throw new CredentialPayloadException(CredentialPayloadReasons.FileNameInvalid, $"file {i} of the credential bundle has a name that is not ASCII");
            }
            var name = Encoding.ASCII.GetString(nameBytes);
            at += nameLength;
            uint contentLength = BinaryPrimitives.ReadUInt32BigEndian(data[at..]);
            at += 4;
            if (contentLength > (uint)(data.Length - at))
                throw Malformed($"file '{Printable(name)}' declares {contentLength} bytes of content but only {data.Length - at} follow");
            files.Add(new CredentialBundleFile(name, data.Slice(at, (int)contentLength).ToArray()));
            at += (int)contentLength;
        }
        if (at != data.Length)
            throw Malformed($"{data.Length - at} bytes follow the last file");
        var bundle = new CredentialBundle(files, issuedAt, expiresAt);
        bundle.Validate();
        return bundle;
    }

    private static DateTimeOffset Time(long unixMs, string field)
    {
        if (unixMs < 0 || unixMs > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            throw Malformed($"its {field} ({unixMs} ms since 1970) is not a time");
        return DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
    }

    private static CredentialPayloadException Malformed(string problem, string reasonCode = CredentialPayloadReasons.BundleMalformed) =>
        new(reasonCode, $"the credential bundle is malformed: {problem}");

    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
