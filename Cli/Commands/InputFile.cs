namespace OrleansAttest.Cli.Commands;

/// <summary>An input the user named that cannot be used; attestctl reports it and exits with <see cref="ExitCodes.Unusable"/>.</summary>
public sealed class UnusableInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads the files attestctl is given, turning every I/O problem into a message that names the file.</summary>
public static class InputFile
{
    public static byte[] ReadBytes(FileInfo file, string what)
    {
        try
        {
            return File.ReadAllBytes(file.FullName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UnusableInputException($"cannot read {what} file '{file.FullName}': {e.Message}", e);
        }
    }

    public static string ReadText(FileInfo file, string what) => System.Text.Encoding.UTF8.GetString(ReadBytes(file, what));

    /// <summary>Parses non-empty hex (a "0x" prefix and surrounding whitespace allowed) or throws naming the option.</summary>
    public static byte[] ParseHex(string value, string what)
    {
        var text = value.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            text = text[2..];
        if (text.Length == 0)
            throw new UnusableInputException($"{what} is empty");
        try
        {
            return Convert.FromHexString(text);
        }
        catch (FormatException)
        {
            throw new UnusableInputException($"{what} '{value}' is not hexadecimal");
        }
    }
}
