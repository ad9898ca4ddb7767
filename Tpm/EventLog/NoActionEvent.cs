namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// Another EV_NO_ACTION event that starts with a 16-byte signature ("SP800-155 Event", "NvIndexInstance", ...).
/// Never extended into a PCR, so nothing in it is measured.
/// </summary>
public sealed record NoActionEvent(string Signature, byte[] Data) : EventDetail
{
    public override string Summary => $"no action: {EventText.Escape(Signature)} ({Data.Length} bytes)";

    public static NoActionEvent? TryDecode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 16)
            return null;
        var signature = data[..16];
        foreach (var b in signature)
            if (b != 0 && (b < 0x20 || b > 0x7e))
                return null;
        return new NoActionEvent(System.Text.Encoding.ASCII.GetString(signature).TrimEnd('\0'), data[16..].ToArray());
    }
}
