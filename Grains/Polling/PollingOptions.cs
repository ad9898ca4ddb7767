namespace OrleansAttest.Grains.Polling;

/// <summary>Section <c>OrleansAttest:Polling</c>. Intervals and timeouts themselves come from each node's policy.</summary>
public sealed class PollingOptions
{
    public const string Section = "OrleansAttest:Polling";

    /// <summary>
    /// Period of each watchdog shard's reminder. A polled node is watched by its shard (Grains/README.md "Watchdog"),
    /// which wakes it after a silo loss; the reminder only brings back a shard whose own silo died, so this bounds how
    /// long a node can go unpolled when both its silo and its shard's silo died. Orleans requires at least its
    /// ReminderOptions.MinimumReminderPeriod (1 minute by default).
    /// </summary>
    public TimeSpan WatchdogPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often each watchdog shard checks cluster membership (a silo newly declared dead → it wakes all its nodes)
    /// and wakes nodes whose activation ended outside a silo shutdown; the delay to resume after a silo loss is the
    /// membership's failure detection plus at most this.
    /// </summary>
    public TimeSpan WatchdogCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Backstop: every watched node is woken at least once per this period, spread evenly over it (100,000 nodes at
    /// 15 minutes ≈ 110 no-op calls per second across the cluster), for an activation lost in a way nothing reported.
    /// </summary>
    public TimeSpan WatchdogSweepPeriod { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>First retry delay after a response timeout; doubles per consecutive timeout, capped at the quote interval; never before <see cref="RelayGrace"/> has passed.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long past a quote request's deadline the verifier still judges an answer that reached its gateway before the
    /// deadline (the gateway stamps when it read the answer). Freshness is about when the evidence reached the verifier,
    /// not when an overloaded verifier got round to it: without this, answers queued inside the verifier expire there,
    /// and healthy nodes are marked Unreachable for the verifier's own delay. It also bounds how long the Unreachable
    /// verdict waits for such an answer, how old evidence can be when it is judged (responseTimeout + this), and the
    /// least a retry waits after a timeout (until then the answer may still come; a second request would double the work).
    /// Zero judges only answers that reach the grain before the deadline.
    /// </summary>
    public TimeSpan RelayGrace { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Fraction of the quote interval (and of retry delays) by which a poll is moved at random, so nodes spread out.</summary>
    public double Jitter { get; set; } = 0.1;

    /// <summary>Largest accepted quote response (message + signature + PCR values + event log), in bytes.</summary>
    public int MaxEvidenceBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest whole event log a node may have (bytes held plus bytes appended); beyond it the verdict is eventlog-too-large.</summary>
    public long MaxEventLogBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// A passing verdict that changes only bookkeeping (time of the last pass, the pass count, the TPM clock) is written
    /// to grain state at most this often; phase changes, reboots (reset/restart count), firmware changes, credentials and
    /// failures are written at once, and every verdict reaches the audit stream at once. Zero writes every verdict.
    /// Why: that write was the largest cost per attestation after signature verification (Grains/README.md "Verdict writes").
    /// </summary>
    public TimeSpan VerdictWriteInterval { get; set; } = TimeSpan.FromMinutes(5);
}
