namespace OrleansAttest.Grains.MeasuredBoot;

/// <summary>
/// The outcome of feeding a quote's event-log bytes to the verifier's replayed prefix: the log now held, a failure
/// (reason code and sentence), or a request to start over from byte 0 (<see cref="MeasuredBootReasons.EventLogRestart"/>).
/// </summary>
public sealed record EventLogStep(ReplayedEventLog? Log, string? ReasonCode, string Detail)
{
    public bool Failed => ReasonCode is not null && ReasonCode != MeasuredBootReasons.EventLogRestart;

    public bool Restart => ReasonCode == MeasuredBootReasons.EventLogRestart;

    public static EventLogStep Ok(ReplayedEventLog? log, string detail) => new(log, null, detail);

    public static EventLogStep Fail(string reasonCode, string detail) => new(null, reasonCode, detail);
}
