using System.Text;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>EFI_LOAD_OPTION (UEFI 3.1.3), the value of Boot#### variables: attributes, description, device path.</summary>
public static class UefiLoadOption
{
    /// <summary>
    /// The description of a Boot#### value ("Linux Boot Manager"), or null when <paramref name="variableName"/> is
    /// not Boot#### or the value is not a well-formed load option. Never throws: this only labels output.
    /// </summary>
    public static string? TryGetDescription(string variableName, ReadOnlySpan<byte> value)
    {
        if (variableName.Length != 8 || !variableName.StartsWith("Boot", StringComparison.Ordinal)
            || !variableName.Skip(4).All(char.IsAsciiHexDigit))
            return null;
        const int fixedSize = 4 + 2;
        if (value.Length < fixedSize + 2)
            return null;
        var text = value[fixedSize..];
        for (int i = 0; i + 1 < text.Length; i += 2)
            if (text[i] == 0 && text[i + 1] == 0)
                return Encoding.Unicode.GetString(text[..i]);
        return null;
    }
}
