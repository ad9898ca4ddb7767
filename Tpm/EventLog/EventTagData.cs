namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// TCG_PCClientTaggedEvent (EV_EVENT_TAG): an id and data. systemd-boot uses it for the initrd and load options
/// ("Linux initrd"), so the text form of the data is kept when it decodes as text.
/// </summary>
public sealed record EventTagData(uint TaggedEventId, byte[] TaggedEventData) : EventDetail
{
    /// <summary>The data as text when it is printable; null otherwise.</summary>
    public string? Text
    {
        get
        {
            if (TaggedEventData.Length == 0)
                return null;
            var (text, _) = EventText.Decode(TaggedEventData);
            return text.Length > 0 && text.All(c => !char.IsControl(c) && c != '\ufffd') ? text : null;
        }
    }

    public override string Summary => Text is { } text
        ? $"tag 0x{TaggedEventId:x8} \"{EventText.Escape(text)}\""
        : $"tag 0x{TaggedEventId:x8} ({TaggedEventData.Length} bytes)";

    public static EventTagData Parse(ReadOnlySpan<byte> data, long baseOffset = 0)
    {
        var reader = new LittleEndianReader(data, "TCG_PCClientTaggedEvent", baseOffset);
        uint id = reader.ReadUInt32("taggedEventID");
        uint size = reader.ReadUInt32("taggedEventDataSize");
        int length = reader.ReadLength(size, "taggedEventDataSize", EventLogParser.MaxEventDataSize);
        var tagged = reader.ReadBytes(length, "taggedEventData").ToArray();
        reader.ExpectEnd();
        return new EventTagData(id, tagged);
    }
}
