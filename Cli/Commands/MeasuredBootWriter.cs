using OrleansAttest.Tpm.Device;
using OrleansAttest.Tpm.EventLog;
using OrleansAttest.Tpm.Marshalling;
using OrleansAttest.Tpm.Structures;

namespace OrleansAttest.Cli.Commands;

/// <summary>
/// Does what a boot loader does with a test TPM: extends the PCRs with an event's digests and appends the event to
/// the crypto-agile log, so the log keeps replaying to the PCRs. On a real device the firmware measures.
/// </summary>
public static class MeasuredBootWriter
{
    public static System.CommandLine.Option<string> TestTpmOption() => new("--tpm") { Description = "the test TPM: swtpm:HOST:PORT (swtpm's data socket)", Required = true };

    /// <summary>
    /// Opens the TPM only when it is a swtpm: extending a real device's boot PCRs by hand would make its next quotes
    /// disagree with its firmware's log until it reboots.
    /// </summary>
    public static TpmClient OpenTestTpm(string? uri)
    {
        if (uri is null || !uri.StartsWith("swtpm:", StringComparison.Ordinal))
            throw new UnusableInputException($"--tpm {uri ?? "(none)"}: measuring is for test TPMs only (swtpm:HOST:PORT); on a real device the firmware and boot loader measure");
        return TpmClient.Open(uri);
    }

    /// <summary>The banks of an existing crypto-agile log, or (for a new log) the TPM's allocated banks that can be computed here.</summary>
    public static async Task<TpmAlgorithm[]> BanksAsync(TpmClient client, TcgEventLog? existing, CancellationToken cancellationToken)
    {
        if (existing is not null)
            return [.. existing.Banks];
        var allocated = await client.GetPcrBanksAsync(cancellationToken);
        var banks = allocated.Banks.Select(b => b.Hash).Where(TpmHash.IsComputable).ToArray();
        return banks.Length > 0 ? banks : throw new InvalidOperationException("the TPM has no allocated PCR bank whose digests can be computed here");
    }

    /// <summary>Reads the log at <paramref name="file"/> when it exists; only a crypto-agile log can be appended to.</summary>
    public static TcgEventLog? ReadExisting(FileInfo file)
    {
        if (!file.Exists)
            return null;
        TcgEventLog log;
        try
        {
            log = EventLogParser.Parse(InputFile.ReadBytes(file, "event log"));
        }
        catch (TpmParseException e)
        {
            throw new UnusableInputException($"{file.Name} is not a valid event log, not appending to it: {e.Message}");
        }
        return log.Format == EventLogFormat.CryptoAgile
            ? log
            : throw new UnusableInputException($"{file.Name} is a legacy SHA-1 log; events can only be appended to a crypto-agile log");
    }

    /// <summary>
    /// Extends the TPM first, then writes the log: when the TPM cannot be reached nothing has changed and the command
    /// can simply be retried.
    /// </summary>
    public static async Task CommitAsync(TpmClient client, FileInfo file, EventLogBuilder builder, bool append, CancellationToken cancellationToken)
    {
        foreach (var measurement in builder.Measurements)
            await client.ExtendPcrAsync(measurement.PcrIndex, [.. measurement.Digests.Select(d => (d.Key, d.Value))], cancellationToken);
        if (append)
        {
            await using var stream = new FileStream(file.FullName, FileMode.Append, FileAccess.Write);
            await stream.WriteAsync(builder.BuildEvents(), cancellationToken);
        }
        else
        {
            await File.WriteAllBytesAsync(file.FullName, builder.Build(), cancellationToken);
        }
    }
}
