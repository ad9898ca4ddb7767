namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// An EV_IPL string. <see cref="Value"/> is the part a policy compares: the command line without GRUB's
/// "kernel_cmdline: " prefix, the path of a loaded file, the GRUB command.
/// </summary>
public sealed record IplEvent(string Text, TextEncoding Encoding, IplKind Kind, string Value) : EventDetail
{
    public override string Summary => Kind switch
    {
        IplKind.KernelCommandLine => $"cmdline: {EventText.Escape(Value)}",
        IplKind.GrubCommand => $"grub: {EventText.Escape(Value)}",
        IplKind.FilePath => $"file: {EventText.Escape(Value)}",
        IplKind.ShimVariable => $"shim: {EventText.Escape(Value)}",
        _ => $"\"{EventText.Escape(Text)}\"",
    };

    public static IplEvent Decode(int pcrIndex, ReadOnlySpan<byte> data)
    {
        var (text, encoding) = EventText.Decode(data);
        var (kind, value) = Classify(pcrIndex, text, encoding);
        return new IplEvent(text, encoding, kind, value);
    }

    private static (IplKind, string) Classify(int pcrIndex, string text, TextEncoding encoding)
    {
        if (text.StartsWith("kernel_cmdline: ", StringComparison.Ordinal))
            return (IplKind.KernelCommandLine, text["kernel_cmdline: ".Length..]);
        if (text.StartsWith("grub_kernel_cmdline ", StringComparison.Ordinal))
            return (IplKind.KernelCommandLine, text["grub_kernel_cmdline ".Length..]);
        if (text.StartsWith("grub_cmd: ", StringComparison.Ordinal))
            return (IplKind.GrubCommand, text["grub_cmd: ".Length..]);
        if (encoding == TextEncoding.Utf16 && pcrIndex is 8 or 12)
            return (IplKind.KernelCommandLine, text);
        if (pcrIndex == 14 && text.StartsWith("Mok", StringComparison.Ordinal))
            return (IplKind.ShimVariable, text);
        if (pcrIndex == 9 || text.StartsWith('/') || text.StartsWith("(hd", StringComparison.Ordinal))
            return (IplKind.FilePath, text);
        return (IplKind.Other, text);
    }
}
