namespace OrleansAttest.Tpm.EventLog;

/// <summary>
/// The typed meaning of an event's data (a UEFI variable, an image load, a string, ...). Decoding is best effort:
/// an event whose data does not decode keeps its raw bytes and a parse note, and the log stays parseable.
/// </summary>
public abstract record EventDetail
{
    /// <summary>A short, one-line description for <see cref="EventLogFormatter"/>.</summary>
    public abstract string Summary { get; }
}
