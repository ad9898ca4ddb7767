using System.Text;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>Decoding of the strings events carry, whose encoding the log never states.</summary>
public static class EventText
{
    /// <summary>
    /// Decodes event bytes as UTF-16LE when they look like it (even length, mostly zero high bytes), else as
    /// UTF-8; trailing NULs are dropped. Invalid sequences become U+FFFD: decoding never fails.
    /// </summary>
    public static (string Text, TextEncoding Encoding) Decode(ReadOnlySpan<byte> bytes)
    {
        var encoding = LooksLikeUtf16(bytes) ? TextEncoding.Utf16 : TextEncoding.Utf8;
        var text = encoding == TextEncoding.Utf16
            ? Encoding.Unicode.GetString(bytes.Length % 2 == 0 ? bytes : bytes[..^1])
            : Encoding.UTF8.GetString(bytes);
        return (text.TrimEnd('\0'), encoding);
    }

    /// <summary>
    /// UTF-16LE of Latin text has a zero in every odd byte. Three quarters is the bar so a few non-Latin
    /// characters still count, while UTF-8 text (which has no NULs inside) never passes.
    /// </summary>
    public static bool LooksLikeUtf16(ReadOnlySpan<byte> bytes)
    {
        // Some boot loaders end a UTF-16 string with a single NUL byte, which leaves an odd length.
        if (bytes.Length % 2 != 0 && bytes[^1] == 0)
            bytes = bytes[..^1];
        if (bytes.Length < 2 || bytes.Length % 2 != 0)
            return false;
        int zeros = 0;
        for (int i = 1; i < bytes.Length; i += 2)
            if (bytes[i] == 0)
                zeros++;
        return zeros * 4 >= bytes.Length / 2 * 3;
    }

    public static byte[] Encode(string text, TextEncoding encoding, bool nulTerminated) =>
        (encoding == TextEncoding.Utf16 ? Encoding.Unicode : Encoding.UTF8).GetBytes(nulTerminated ? text + "\0" : text);

    /// <summary>Makes outside text safe for one line of a terminal: control characters become escapes.</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                default:
                    // Bidi overrides and line separators could disguise the rest of a line on a terminal.
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069'))
                        builder.Append($"\\u{(int)c:x4}");
                    else
                        builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }
}
