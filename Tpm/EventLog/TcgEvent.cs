using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// One event of a TCG event log (TCG_PCR_EVENT or TCG_PCR_EVENT2). Everything here is what the log claims; only a
/// replay that matches quoted PCRs makes the digests trustworthy, and the data is trustworthy only where its
/// digest is computed over it.
/// </summary>
public sealed record TcgEvent
{
    /// <summary>Position in the log, counting from 0 (the Spec ID event is number 0 of a crypto-agile log).</summary>
    public required int Number { get; init; }

    /// <summary>Byte offset of the event's first byte in the whole log (so a later parse can continue from there).</summary>
    public required long Offset { get; init; }

    /// <summary>Size in bytes of the whole event record, header included.</summary>
    public required int Size { get; init; }

    public required int PcrIndex { get; init; }

    public required EventType Type { get; init; }

    /// <summary>The digests in log order; a legacy SHA-1 event has exactly one.</summary>
    public required IReadOnlyList<EventDigest> Digests { get; init; }

    /// <summary>The raw event data.</summary>
    public required byte[] Data { get; init; }

    /// <summary>The decoded data, or null when the type has no typed form or the data did not decode.</summary>
    public EventDetail? Detail { get; init; }

    /// <summary>Why the data did not decode (or decoded with oddities such as trailing bytes); null when it decoded cleanly.</summary>
    public string? ParseNote { get; init; }

    /// <summary>Offset just past this event: where the next one starts.</summary>
    public long End => Offset + Size;

    /// <summary>EV_NO_ACTION events are informational and never extended into a PCR.</summary>
    public bool ExtendsPcr => Type != EventType.NoAction;

    public string TypeName => Type.ToTcgName();

    /// <summary>The digest for <paramref name="algorithm"/>, or null when the event carries none for that bank.</summary>
    public byte[]? GetDigest(TpmAlgorithm algorithm)
    {
        // Indexing, not foreach: replay calls this per event and bank, and an interface enumerator allocates.
        for (int i = 0; i < Digests.Count; i++)
            if (Digests[i].Algorithm == algorithm)
                return Digests[i].Value;
        return null;
    }

    public override string ToString() => $"#{Number} PCR {PcrIndex} {TypeName} at byte {Offset}";
}
