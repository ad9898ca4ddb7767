namespace OrleansAttest.EdgeAgent.Device;

/// <summary>The binary event log from a byte offset (the verifier asks for what it has not seen yet).</summary>
public sealed class EventLogSource(string path)
{
    /// <summary>
    /// The bytes from <paramref name="offset"/> and the offset they start at; (0, null) when there is no log. An offset
    /// past the end means the log was rewritten (a reboot), so the whole log is sent from 0.
    /// </summary>
    public async Task<(long Offset, byte[]? Bytes)> ReadFromAsync(long offset, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            return (0, null);
        // securityfs reports length 0 for the live log, so read it whole rather than seeking.
        var all = await File.ReadAllBytesAsync(path, cancellationToken);
        if (offset < 0 || offset > all.Length)
            offset = 0;
        return (offset, all[(int)offset..]);
    }
}
