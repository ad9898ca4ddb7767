namespace OrleansAttest.Tpm.EventLog;

/// <summary>A text event: EV_ACTION and EV_EFI_ACTION strings, EV_S_CRTM_VERSION, EV_EFI_HCRTM_EVENT, text EV_POST_CODE.</summary>
public sealed record StringEvent(string Text, TextEncoding Encoding) : EventDetail
{
    public override string Summary => $"\"{EventText.Escape(Text)}\"";

    public static StringEvent Decode(ReadOnlySpan<byte> data)
    {
        var (text, encoding) = EventText.Decode(data);
        return new StringEvent(text, encoding);
    }
}
